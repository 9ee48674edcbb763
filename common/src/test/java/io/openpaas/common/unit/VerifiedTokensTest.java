package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.security.VerifiedTokens;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    /** Stands for the signature check: counts the tokens it is asked to verify; "bad" ones fail. */
    static class CountingValidator extends MpJwtValidator {
        final List<String> asked = new ArrayList<>();
        long expiresAtSeconds = System.currentTimeMillis() / 1000 + 300;

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            String token = request.getToken().getToken();
            asked.add(token);
            if (token.startsWith("bad")) {
                return Uni.createFrom().failure(new AuthenticationFailedException("bad signature"));
            }
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(jwt(token, expiresAtSeconds)).build());
        }
    }

    private final CountingValidator validator = new CountingValidator();
    private final VerifiedTokens tokens = new VerifiedTokens(validator);
    private static final AuthenticationRequestContext CONTEXT = new AuthenticationRequestContext() {
        @Override
        public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> function) {
            return Uni.createFrom().item(function);
        }
    };

    private SecurityIdentity authenticate(String token) {
        return tokens.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), CONTEXT).await().indefinitely();
    }

    @Test
    void aTokenIsVerifiedOnceThenServedFromTheCache() {
        SecurityIdentity first = authenticate("token-a");
        SecurityIdentity again = authenticate("token-a");
        assertSame(first, again);
        assertEquals(List.of("token-a"), validator.asked);
        authenticate("token-b"); // any other text, even one character apart, is verified on its own
        assertEquals(List.of("token-a", "token-b"), validator.asked);
    }

    @Test
    void anExpiredTokenIsVerifiedAgainNotServed() {
        validator.expiresAtSeconds = System.currentTimeMillis() / 1000 - 1;
        authenticate("token-old");
        authenticate("token-old");
        assertEquals(List.of("token-old", "token-old"), validator.asked);
    }

    @Test
    void aRefusedTokenIsNeverCached() {
        assertThrows(AuthenticationFailedException.class, () -> authenticate("bad-token"));
        assertThrows(AuthenticationFailedException.class, () -> authenticate("bad-token"));
        assertEquals(List.of("bad-token", "bad-token"), validator.asked);
    }

    @Test
    void itIsAskedBeforeTheJwtValidator() {
        assertTrue(tokens.priority() > validator.priority());
    }

    private static JsonWebToken jwt(String token, long exp) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "user-" + token;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("sub", "exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claim) {
                return (T) switch (claim) {
                    case "exp" -> Long.valueOf(exp);
                    case "sub" -> getName();
                    default -> null;
                };
            }
        };
    }
}

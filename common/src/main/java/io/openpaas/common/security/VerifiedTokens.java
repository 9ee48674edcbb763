package io.openpaas.common.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each distinct access token once, until it expires. A client sends the same token
 * with every request, and checking it is most of what a cheap request costs: parsing the JWT and
 * its RS256 signature (docs/performance.md). The identity is cached by the exact token text, so a
 * hit stands for a token already verified byte for byte; it is dropped at the token's expiry.
 *
 * <p>Only the signature check is cached: the augmentors still run on every request, so the token
 * of a user deleted since is refused at once ({@link ActiveUserAugmentor}).
 */
@ApplicationScoped
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    /** A bound on memory: when reached, the cache starts again (the next requests verify anew). */
    static final int MAX_CACHED = 10_000;

    private final MpJwtValidator validator;
    private final Map<String, SecurityIdentity> verified = new ConcurrentHashMap<>();

    public VerifiedTokens(MpJwtValidator validator) {
        this.validator = validator;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked before the JWT validator, which it calls on a miss. */
    @Override
    public int priority() {
        return validator.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        SecurityIdentity known = verified.get(token);
        if (known != null) {
            if (!expired(known)) {
                return Uni.createFrom().item(known);
            }
            verified.remove(token);
        }
        return validator.authenticate(request, context).invoke(identity -> {
            if (identity != null && !expired(identity)) {
                if (verified.size() >= MAX_CACHED) {
                    verified.clear();
                }
                verified.put(token, identity);
            }
        });
    }

    /** Whether {@code token} would be served from the cache now. */
    public boolean isCached(String token) {
        SecurityIdentity known = verified.get(token);
        return known != null && !expired(known);
    }

    private static boolean expired(SecurityIdentity identity) {
        return !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() * 1000 <= System.currentTimeMillis();
    }
}

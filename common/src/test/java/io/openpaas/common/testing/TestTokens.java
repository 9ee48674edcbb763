package io.openpaas.common.testing;

import io.openpaas.common.security.Roles;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Mints access tokens signed with the test key pair whose public half every service's %test
 * profile trusts ({@code test-jwt/public.pem}).
 */
public final class TestTokens {

    public static final String PRIVATE_KEY = "test-jwt/private.pem";
    public static final String OTHER_PRIVATE_KEY = "test-jwt/other-private.pem";

    private TestTokens() {
    }

    public static String admin() {
        return forUser(UUID.randomUUID().toString(), true);
    }

    public static String user(String userId) {
        return forUser(userId, false);
    }

    public static String forUser(String userId, boolean admin) {
        return claims(userId, admin).sign(PRIVATE_KEY);
    }

    /** A token exchanged from an API token with a role ceiling (the admin group, if asked, as a forger would add it). */
    public static String capped(String userId, boolean admin, String ceiling) {
        return claims(userId, admin).claim(Roles.CEILING_CLAIM, ceiling).sign(PRIVATE_KEY);
    }

    public static String expired(String userId) {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        return claims(userId, false).issuedAt(past.minusSeconds(900)).expiresAt(past).sign(PRIVATE_KEY);
    }

    public static String signedByAnotherKey(String userId) {
        return claims(userId, true).sign(OTHER_PRIVATE_KEY);
    }

    public static JwtClaimsBuilder claims(String userId, boolean admin) {
        JwtClaimsBuilder builder = Jwt.issuer(Roles.ISSUER)
                .audience(Roles.AUDIENCE)
                .subject(userId)
                .issuedAt(Instant.now())
                .expiresIn(Duration.ofMinutes(15))
                .claim("jti", UUID.randomUUID().toString());
        if (admin) {
            builder.groups(Set.of(Roles.ADMIN));
        }
        return builder;
    }

    /** The same token with its payload altered but its signature kept. */
    public static String tampered(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"sub\":\"", "\"sub\":\"x");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    }
}

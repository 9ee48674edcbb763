package io.openpaas.gateway.auth;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies access tokens at the edge (signature, issuer, audience, expiry) with the same
 * smallrye-jwt rules as the services, which verify again. A verified token is remembered until
 * it expires, so the RSA check and the occasional JWKS fetch (blocking, hence on a worker)
 * happen once per token rather than once per request.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final int MAX_CACHED = 50_000;

    private final JWTParser parser;
    private final Vertx vertx;
    private final Map<String, Long> verifiedUntil = new ConcurrentHashMap<>();

    public TokenVerifier(JWTParser parser, Vertx vertx) {
        this.parser = parser;
        this.vertx = vertx;
    }

    /** Completes with true for a valid token, false for any invalid one. */
    public Future<Boolean> verify(String token) {
        Long until = verifiedUntil.get(token);
        long now = System.currentTimeMillis();
        if (until != null) {
            if (until > now) {
                return Future.succeededFuture(true);
            }
            verifiedUntil.remove(token);
        }
        return vertx.executeBlocking(() -> {
            try {
                JsonWebToken jwt = parser.parse(token);
                if (verifiedUntil.size() >= MAX_CACHED) {
                    verifiedUntil.clear();
                }
                verifiedUntil.put(token, jwt.getExpirationTime() * 1000);
                return true;
            } catch (ParseException e) {
                return false;
            }
        }, false);
    }

    /** The bearer token of an Authorization header, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() || token.length() > 8192 ? null : token;
    }
}

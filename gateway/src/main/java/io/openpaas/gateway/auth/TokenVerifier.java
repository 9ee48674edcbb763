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
    private final io.openpaas.gateway.events.Revocations revocations;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** What the gateway needs of a valid token: who, through which API token, until when. */
    public record Verified(String subject, String tokenId, long expiresAtMillis, boolean admin) {
    }

    public TokenVerifier(JWTParser parser, Vertx vertx, io.openpaas.gateway.events.Revocations revocations) {
        this.parser = parser;
        this.vertx = vertx;
        this.revocations = revocations;
    }

    /**
     * Completes with the verified token, or null for any invalid one, including one whose API
     * token was revoked or whose user was deleted (checked on every request, cached or not).
     */
    public Future<Verified> verify(String token) {
        Verified known = verified.get(token);
        if (known != null) {
            if (known.expiresAtMillis() > System.currentTimeMillis() && !revocations.refuses(known.tokenId(), known.subject())) {
                return Future.succeededFuture(known);
            }
            verified.remove(token);
            if (known.expiresAtMillis() > System.currentTimeMillis()) {
                return Future.succeededFuture(null);
            }
        }
        return vertx.executeBlocking(() -> {
            try {
                JsonWebToken jwt = parser.parse(token);
                if (verified.size() >= MAX_CACHED) {
                    verified.clear();
                }
                String tid = text(jwt.getClaim(io.openpaas.common.security.Roles.TOKEN_ID_CLAIM));
                String ceiling = text(jwt.getClaim(io.openpaas.common.security.Roles.CEILING_CLAIM));
                boolean admin = io.openpaas.common.security.Caller.actsAsAdmin(jwt.getGroups().contains(io.openpaas.common.security.Roles.ADMIN), ceiling);
                Verified v = new Verified(jwt.getSubject(), tid, jwt.getExpirationTime() * 1000, admin);
                if (revocations.refuses(tid, v.subject())) {
                    return null;
                }
                verified.put(token, v);
                return v;
            } catch (ParseException e) {
                return null;
            }
        }, false);
    }

    private static String text(Object claim) {
        return claim instanceof jakarta.json.JsonString js ? js.getString() : claim == null ? null : claim.toString();
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

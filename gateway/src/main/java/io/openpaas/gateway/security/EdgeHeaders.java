package io.openpaas.gateway.security;

import io.openpaas.gateway.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;

/**
 * Headers every answer of the gateway carries: a JSON API is never framed, sniffed or cached
 * by the way, and browsers get no cross-origin access unless origins are configured
 * ({@code OPENPAAS_GATEWAY_CORS_ORIGINS}); then those origins, and only those, may call.
 */
@ApplicationScoped
public class EdgeHeaders {

    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id, Last-Event-ID";
    private static final String EXPOSED_HEADERS = "ETag, Location, Retry-After, X-Request-Id, X-Gateway-Time, Idempotent-Replayed";

    private final Set<String> origins;

    public EdgeHeaders(GatewayConfig config) {
        this.origins = Set.copyOf(config.corsOrigins().orElse(List.of()));
    }

    void mount(@Observes Router router) {
        router.route().order(-100).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        String origin = rc.request().getHeader("Origin");
        boolean allowed = origin != null && origins.contains(origin);
        if (allowed && rc.request().method() == HttpMethod.OPTIONS && rc.request().getHeader("Access-Control-Request-Method") != null) {
            MultiMap h = rc.response().headers();
            h.set("Access-Control-Allow-Origin", origin);
            h.set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
            h.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            h.set("Access-Control-Max-Age", "600");
            h.set("Vary", "Origin");
            secure(h, rc.request().path());
            rc.response().setStatusCode(204).end();
            return;
        }
        rc.addHeadersEndHandler(v -> {
            MultiMap h = rc.response().headers();
            secure(h, rc.request().path());
            if (allowed) {
                h.set("Access-Control-Allow-Origin", origin);
                h.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
                h.add("Vary", "Origin");
            }
        });
        rc.next();
    }

    private static void secure(MultiMap h, String path) {
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        // answers hold tokens and private data: no shared cache keeps them unless the service says so
        if (path.startsWith("/api/") && !h.contains("Cache-Control")) {
            h.set("Cache-Control", "no-store");
        }
        // a service behind the gateway must not open CORS on its own
        if (!h.contains("Vary") || !h.get("Vary").contains("Origin")) {
            h.remove("Access-Control-Allow-Origin");
        }
    }
}

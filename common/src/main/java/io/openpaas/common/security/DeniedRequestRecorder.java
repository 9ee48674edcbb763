package io.openpaas.common.security;

import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.events.Subjects;
import io.openpaas.common.json.Json;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Ids;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Publishes {@code paas.security.<pid or _>.denied} for every request this service answered
 * 401, 403 or 429, and for every 404 that hid a project from a non-member (docs/contracts.md). The
 * event goes through the outbox, in its own transaction since a denied request changes nothing
 * else. It names the caller (the token's subject) but never carries the token itself, the
 * query string or the body.
 */
@ApplicationScoped
public class DeniedRequestRecorder {

    public static final String TYPE = Subjects.type(Domain.SECURITY, "denied");

    private final Outbox outbox;
    private final Json json;
    private final String source;

    public DeniedRequestRecorder(Outbox outbox, Json json, @ConfigProperty(name = "quarkus.application.name") String appName) {
        this.outbox = outbox;
        this.json = json;
        this.source = "/" + appName;
    }

    void mount(@Observes Router router) {
        router.route().order(-1000).handler(rc -> {
            rc.addEndHandler(v -> onEnd(rc));
            rc.next();
        });
    }

    private void onEnd(RoutingContext rc) {
        int status = rc.response().getStatusCode();
        boolean hidden = Boolean.TRUE.equals(rc.get(DeniedRequests.HIDDEN));
        if (status != 401 && status != 403 && status != 429 && !(status == 404 && hidden)) {
            return;
        }
        String path = rc.request().path();
        if (path.startsWith("/health") || path.startsWith("/q/")) {
            return;
        }
        String projectId = rc.get(DeniedRequests.PROJECT);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("reason", reason(status));
        data.put("method", rc.request().method().name());
        data.put("path", path);
        data.put("service", source.substring(1));
        String requestId = rc.request().getHeader(CallerContext.REQUEST_ID_HEADER);
        // the resource of a denied request is the path it asked for
        EventEnvelope envelope = new EventEnvelope(EventEnvelope.SPEC_VERSION, Ids.newId().toString(), source, TYPE, path,
                Instant.now().truncatedTo(ChronoUnit.MICROS), EventEnvelope.JSON, projectId, actorOf(rc),
                requestId == null || requestId.isBlank() || requestId.length() > 128 ? UUID.randomUUID().toString() : requestId,
                json.tree(data));
        outbox.insertAlone(envelope).subscribe().with(v -> {
        }, failure -> Log.errorf("could not record a denied request to %s: %s", path, failure.toString()));
    }

    static String reason(int status) {
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 429 -> "rate_limited";
            default -> "not_a_member";
        };
    }

    private static String actorOf(RoutingContext rc) {
        String marked = rc.get(DeniedRequests.ACTOR);
        if (marked != null) {
            return marked;
        }
        if (rc.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            if (identity != null && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt) {
                return jwt.getSubject();
            }
        }
        return "anonymous";
    }
}

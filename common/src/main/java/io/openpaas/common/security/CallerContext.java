package io.openpaas.common.security;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.common.vertx.ContextLocals;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is acting and under which correlation id, wherever the code runs: inside an HTTP
 * request (the JWT's subject and the {@code X-Request-Id}) or inside the handler of a consumed
 * event (a system actor and the event's correlation id).
 */
@ApplicationScoped
public class CallerContext {

    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final String CONSUMED_CORRELATION = "openpaas.correlation";
    private static final String REQUEST_CORRELATION = "openpaas.request-id";

    private final String systemActor;

    public CallerContext(@ConfigProperty(name = "quarkus.application.name") String appName) {
        this.systemActor = "system:" + appName;
    }

    /** The user id of the caller, or {@code system:<service>} outside a user's request. */
    public String actor() {
        return user().map(Caller::userId).orElse(systemActor);
    }

    /** The authenticated caller of the current request, if any. */
    public Optional<Caller> user() {
        ManagedContext requestContext = Arc.container().requestContext();
        // outside an HTTP request (a consumer, a build worker awaiting on a context of its own)
        // there is no caller, and asking for the identity there would block on the event loop
        RoutingContext rc = requestContext.isActive() ? currentRequest() : null;
        if (rc == null) {
            return Optional.empty();
        }
        SecurityIdentity identity;
        if (rc.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser authenticated) {
            identity = authenticated.getSecurityIdentity(); // already resolved: no blocking
        } else if (rc.request().getHeader("Authorization") == null) {
            // an open endpoint called without credentials (a Git webhook): nobody to resolve, and
            // resolving the lazy identity on the event loop would block it
            return Optional.empty();
        } else {
            identity = Arc.container().instance(SecurityIdentity.class).get();
        }
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            String ceiling = text(jwt.getClaim(Roles.CEILING_CLAIM));
            String tokenId = text(jwt.getClaim(Roles.TOKEN_ID_CLAIM));
            // a token limited by a ceiling never carries platform admin power
            boolean admin = Caller.actsAsAdmin(identity.getRoles().contains(Roles.ADMIN), ceiling);
            return Optional.of(new Caller(jwt.getSubject(), admin, ceiling, tokenId));
        }
        return Optional.of(new Caller(identity.getPrincipal().getName(), identity.getRoles().contains(Roles.ADMIN)));
    }

    /** A string claim, whichever JSON-P or Java form the parser gives it. */
    private static String text(Object claim) {
        if (claim instanceof jakarta.json.JsonString js) {
            return js.getString();
        }
        return claim == null ? null : claim.toString();
    }

    /** The caller, who must be authenticated (resources guard this with {@code @Authenticated}). */
    public Caller requireUser() {
        return user().orElseThrow(() -> new io.quarkus.security.UnauthorizedException("authentication required"));
    }

    public String correlationId() {
        Optional<String> consumed = ContextLocals.get(CONSUMED_CORRELATION);
        if (consumed.isPresent()) {
            return consumed.get();
        }
        RoutingContext rc = currentRequest();
        if (rc == null) {
            return UUID.randomUUID().toString();
        }
        return correlationOf(rc);
    }

    /** The request's correlation id: its {@code X-Request-Id} when it has a usable one, else a new one, kept on the request. */
    public static String correlationOf(RoutingContext rc) {
        String id = rc.get(REQUEST_CORRELATION);
        if (id == null) {
            id = rc.request().getHeader(REQUEST_ID_HEADER);
            if (id == null || id.isBlank() || id.length() > 128) {
                id = UUID.randomUUID().toString();
            }
            rc.put(REQUEST_CORRELATION, id);
        }
        return id;
    }

    /** Marks the current (duplicated) Vert.x context as handling an event with this correlation id. */
    public static void bindConsumedCorrelation(String correlationId) {
        if (correlationId != null) {
            ContextLocals.put(CONSUMED_CORRELATION, correlationId);
            org.jboss.logging.MDC.put(CorrelationLogging.MDC_KEY, correlationId);
        }
    }

    /** The HTTP request being served, or null outside one. */
    public static RoutingContext currentRequest() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        CurrentVertxRequest current = Arc.container().instance(CurrentVertxRequest.class).get();
        return current == null ? null : current.getCurrent();
    }
}

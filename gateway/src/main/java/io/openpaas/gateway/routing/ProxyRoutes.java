package io.openpaas.gateway.routing;

import io.openpaas.gateway.GatewayConfig;
import io.openpaas.gateway.auth.TokenVerifier;
import io.openpaas.gateway.events.DeniedEventPublisher;
import io.openpaas.gateway.events.LiveEvents;
import io.openpaas.gateway.ratelimit.RateLimiter;
import io.openpaas.gateway.problem.GatewayProblems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's reverse proxy: authenticates, picks the owning service and streams the
 * request and the answer through without reading bodies. Failures of the upstream become
 * problem+json (502 when it is down, 504 when it is slow). Each answer says how long the
 * gateway itself took ({@code Server-Timing: gateway;dur=…} and {@code X-Gateway-Time}).
 */
@ApplicationScoped
public class ProxyRoutes {

    static final String REQUEST_ID = "X-Request-Id";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length");

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final RouteTable routes;
    private final TokenVerifier verifier;
    private final GatewayConfig config;
    private final RateLimiter limiter;
    private final DeniedEventPublisher denied;
    private final LiveEvents live;
    /** Requests whose client left before the answer: they must not keep an upstream connection waiting. */
    private final Counter abandoned;
    private HttpClient client;

    public ProxyRoutes(RouteTable routes, TokenVerifier verifier, GatewayConfig config, RateLimiter limiter, DeniedEventPublisher denied,
            LiveEvents live, MeterRegistry registry) {
        this.abandoned = Counter.builder("openpaas.gateway.requests.abandoned")
                .description("proxied requests whose client closed the connection before the answer").register(registry);
        this.live = live;
        this.routes = routes;
        this.verifier = verifier;
        this.config = config;
        this.limiter = limiter;
        this.denied = denied;
    }

    void mount(@Observes Router router, Vertx vertx) {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(config.poolSize()));
        router.route("/api/v1/events").order(5).handler(this::events);
        router.route("/api/v1/*").order(10).handler(this::handle);
        router.route("/.well-known/jwks.json").order(10).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        long start = System.nanoTime();
        HttpServerRequest request = rc.request();
        request.pause();
        String requestId = requestId(request);
        HttpServerResponse response = rc.response();
        response.putHeader(REQUEST_ID, requestId);
        var rule = routes.match(request.path());
        if (rule.isEmpty()) {
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.NOT_FOUND, "no API resource at " + request.path());
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.PAYLOAD_TOO_LARGE,
                    "the request body is larger than " + config.maxBodySize() + " bytes");
            return;
        }
        Upstream upstream = rule.get().upstream();
        String id = requestId;
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        if (rule.get().open()) {
            // the token exchange is open: limit it per address, against guessing
            limited(rc, "ip:" + address, "anonymous", id, () -> forward(request, response, upstream, id, start));
            return;
        }
        authenticated(rc, id, caller -> forward(request, response, upstream, id, start));
    }

    /** {@code GET /api/v1/events}: the gateway's own live event stream (not proxied). */
    private void events(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        String requestId = requestId(request);
        response.putHeader(REQUEST_ID, requestId);
        if (request.method() != io.vertx.core.http.HttpMethod.GET) {
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.METHOD_NOT_ALLOWED, "the event stream is read with GET");
            return;
        }
        // a deleted user's token is refused by the verifier already (Revocations)
        authenticated(rc, requestId, caller -> {
            String lastEventId = request.getHeader("Last-Event-ID") != null ? request.getHeader("Last-Event-ID") : request.getParam("last_event_id");
            LiveEvents.Subscription sub = LiveEvents.Subscription.parse(request.getParam("project"), request.getParam("types"), lastEventId, response);
            if (sub == null) {
                return;
            }
            if (sub.project() != null && !live.visible(caller, sub.project())) {
                GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.NOT_FOUND, "project " + sub.project() + " not found");
                return;
            }
            live.stream(caller, sub, response);
        });
    }

    /** Verifies the bearer token and the rate limit, then hands the caller on; else 401 or 429. */
    private void authenticated(RoutingContext rc, String requestId, java.util.function.Consumer<TokenVerifier.Verified> proceed) {
        HttpServerRequest request = rc.request();
        String token = TokenVerifier.bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            unauthorized(request, rc.response(), requestId);
            return;
        }
        verifier.verify(token).onComplete(ar -> {
            TokenVerifier.Verified caller = ar.succeeded() ? ar.result() : null;
            if (caller == null) {
                unauthorized(request, rc.response(), requestId);
                return;
            }
            String key = caller.tokenId() != null ? "token:" + caller.tokenId() : "user:" + caller.subject();
            limited(rc, key, caller.subject(), requestId, () -> proceed.accept(caller));
        });
    }

    /** The request's correlation id (its own X-Request-Id when usable), also put in the log context: JSON logs carry it. */
    private static String requestId(HttpServerRequest request) {
        String requestId = request.getHeader(REQUEST_ID);
        String id = requestId == null || requestId.isBlank() || requestId.length() > 128 ? UUID.randomUUID().toString() : requestId;
        org.jboss.logging.MDC.put("correlation_id", id);
        return id;
    }

    /** Runs {@code proceed} if the caller is within the rate limit, else answers 429 with Retry-After. */
    private void limited(RoutingContext rc, String key, String actor, String requestId, Runnable proceed) {
        limiter.acquire(key).onComplete(ar -> {
            RateLimiter.Decision decision = ar.succeeded() ? ar.result() : RateLimiter.Decision.ALLOWED;
            if (decision.allowed()) {
                proceed.run();
                return;
            }
            HttpServerResponse response = rc.response();
            response.putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.TOO_MANY_REQUESTS,
                    "this token made more than " + config.rateLimit().requests() + " requests in " + config.rateLimit().window().toMillis()
                            + " ms; retry after " + decision.retryAfterSeconds() + " s");
            long window = System.currentTimeMillis() / Math.max(1, config.rateLimit().window().toMillis());
            denied.denied(429, rc.request().method().name(), rc.request().path(), actor, requestId, key, window);
        });
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > config.maxBodySize();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * A request without a valid token: limited per client address first (a flood answers 429
     * without reaching anything), then 401. Either way the denial is recorded aggregated per
     * address (see {@link io.openpaas.gateway.events.DeniedEventPublisher}), so a flood of
     * unauthenticated requests cannot write a permanent audit record each.
     */
    private void unauthorized(HttpServerRequest request, HttpServerResponse response, String requestId) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String key = "anon:" + address;
        limiter.acquire(key).onComplete(ar -> {
            RateLimiter.Decision decision = ar.succeeded() ? ar.result() : RateLimiter.Decision.ALLOWED;
            if (!decision.allowed()) {
                response.putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
                GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.TOO_MANY_REQUESTS,
                        "too many requests without a valid token from this address; retry after " + decision.retryAfterSeconds() + " s");
                denied.denied(429, request.method().name(), request.path(), "anonymous", requestId, key, 0);
                return;
            }
            response.putHeader("WWW-Authenticate", "Bearer");
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.UNAUTHORIZED, "a valid bearer token is required");
            denied.denied(401, request.method().name(), request.path(), "anonymous", requestId, key, 0);
        });
    }

    private void forward(HttpServerRequest request, HttpServerResponse response, Upstream upstream, String requestId, long start) {
        if (response.closed()) {
            abandoned.increment(); // the client left while its token or the rate limit was checked
            return;
        }
        RequestOptions options = new RequestOptions()
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setMethod(request.method())
                .setURI(request.uri())
                .setIdleTimeout(config.upstreamTimeout().toMillis());
        client.request(options).onComplete(created -> {
            if (created.failed()) {
                upstreamFailed(response, upstream, created.cause());
                return;
            }
            HttpClientRequest outbound = created.result();
            if (response.closed()) {
                // the client left while the request waited for a connection: a body that never comes would hold it
                abandoned.increment();
                outbound.reset();
                return;
            }
            // ... or leaves later: give the connection up rather than let the upstream wait for the rest of a body
            response.closeHandler(v -> {
                if (!response.ended()) {
                    abandoned.increment();
                    outbound.reset();
                }
            });
            copyHeaders(request.headers(), outbound.headers());
            outbound.putHeader(REQUEST_ID, requestId);
            outbound.putHeader("X-Forwarded-For", request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
            outbound.putHeader("X-Forwarded-Proto", request.scheme());
            if (request.authority() != null) {
                outbound.putHeader("X-Forwarded-Host", request.authority().toString());
            }
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            LimitedBody body = null;
            if (length != null) {
                outbound.putHeader(HttpHeaders.CONTENT_LENGTH, length);
            } else {
                // no announced length (HTTP/1.1 chunked, or an HTTP/2 stream): count as it flows
                if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || request.version() == io.vertx.core.http.HttpVersion.HTTP_2
                        && BODY_METHODS.contains(request.method().name())) {
                    outbound.setChunked(true);
                }
                body = new LimitedBody(request, config.maxBodySize(), () -> {
                    outbound.reset();
                    GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.PAYLOAD_TOO_LARGE,
                            "the request body is larger than " + config.maxBodySize() + " bytes");
                });
            }
            LimitedBody limited = body;
            long forwardedAt = System.nanoTime();
            outbound.send(limited != null ? limited : request).onComplete(answered -> {
                if (limited != null && limited.exceeded()) {
                    return; // answered 413 already
                }
                if (answered.failed()) {
                    upstreamFailed(response, upstream, answered.cause());
                    return;
                }
                HttpClientResponse inbound = answered.result();
                long received = System.nanoTime();
                response.setStatusCode(inbound.statusCode());
                response.setStatusMessage(inbound.statusMessage());
                copyHeaders(inbound.headers(), response.headers());
                String inboundLength = inbound.getHeader(HttpHeaders.CONTENT_LENGTH);
                if (inboundLength != null) {
                    response.putHeader(HttpHeaders.CONTENT_LENGTH, inboundLength);
                }
                long gatewayNanos = (forwardedAt - start) + (System.nanoTime() - received);
                String millis = String.format(Locale.ROOT, "%.3f", gatewayNanos / 1_000_000.0);
                response.putHeader("Server-Timing", "gateway;dur=" + millis);
                response.putHeader("X-Gateway-Time", millis);
                response.send(inbound);
            });
        });
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        for (var entry : from) {
            if (!HOP_BY_HOP.contains(entry.getKey().toLowerCase(Locale.ROOT))) {
                to.add(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void upstreamFailed(HttpServerResponse response, Upstream upstream, Throwable cause) {
        if (isTimeout(cause)) {
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.GATEWAY_TIMEOUT, upstream.name() + " did not answer in time; try again");
        } else {
            Log.debugf("upstream %s failed: %s", upstream.name(), cause);
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.BAD_GATEWAY, upstream.name() + " is unavailable; try again shortly");
        }
    }

    private static boolean isTimeout(Throwable cause) {
        return cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout");
    }
}

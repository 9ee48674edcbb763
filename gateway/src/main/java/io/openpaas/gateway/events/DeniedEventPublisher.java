package io.openpaas.gateway.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes {@code paas.security._.denied} for the requests the gateway itself refuses (401
 * without a valid token, 429 over the rate limit), in the platform's CloudEvents envelope. The
 * gateway keeps no database, so there is no outbox: each event carries its id as
 * {@code Nats-Msg-Id} and is retried a few times, and JetStream drops a repeat. Denials are
 * aggregated per caller (token, or client address when unauthenticated), status and path: the
 * first of an aggregation window is recorded at once, the repeats of that window as one more
 * event carrying their {@code count} when the window closes, so an abusive client cannot flood
 * the audit trail through the gateway while every refusal is still accounted for. Events never
 * contain the token.
 */
@ApplicationScoped
public class DeniedEventPublisher {

    public static final String SUBJECT = "paas.security._.denied";
    private static final int ATTEMPTS = 5;

    /** Repeats of one denial within the current window: the first one was recorded already. */
    private static final class Repeats {
        final String method;
        final String path;
        final String actor;
        final String requestId;
        final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        Repeats(String method, String path, String actor, String requestId) {
            this.method = method;
            this.path = path;
            this.actor = actor;
            this.requestId = requestId;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final GatewayNats nats;
    private final Vertx vertx;
    private final java.time.Duration window;
    private final Map<String, Repeats> repeats = new ConcurrentHashMap<>();

    private final io.openpaas.common.events.EventCodec codec;

    public DeniedEventPublisher(GatewayNats nats, Vertx vertx, io.openpaas.gateway.GatewayConfig config,
            io.openpaas.common.events.EventCodec codec) {
        this.nats = nats;
        this.codec = codec;
        this.vertx = vertx;
        this.window = config.deniedAggregationWindow();
    }

    void onStart(@Observes StartupEvent event) {
        vertx.setPeriodic(window.toMillis(), id -> flush());
    }

    /** Records a refused request: the first of its kind in a window at once, its repeats counted. */
    public void denied(int status, String method, String path, String actor, String requestId, String limitKey, long ignored) {
        if (limitKey != null) {
            String key = status + " " + limitKey + " " + method + " " + path;
            boolean[] first = {false};
            Repeats r = repeats.computeIfAbsent(key, k -> {
                first[0] = true;
                return new Repeats(method, path, actor, requestId);
            });
            if (!first[0]) {
                r.count.incrementAndGet();
                return;
            }
        }
        publish(status, method, path, actor, requestId, 1);
    }

    /** Closes the window: one event per denial that repeated, with how often. */
    void flush() {
        for (var entry : repeats.entrySet()) {
            repeats.remove(entry.getKey());
            long n = entry.getValue().count.get();
            if (n > 0) {
                Repeats r = entry.getValue();
                publish(Integer.parseInt(entry.getKey().substring(0, 3)), r.method, r.path, r.actor, r.requestId, n);
            }
        }
    }

    private void publish(int status, String method, String path, String actor, String requestId, long count) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("reason", status == 429 ? "rate_limited" : "unauthenticated");
        data.put("method", method);
        data.put("path", path);
        data.put("service", "gateway");
        data.put("count", count);
        String id = UUID.randomUUID().toString();
        // the platform's one envelope (common-core), as every service publishes it
        io.openpaas.common.events.EventEnvelope envelope = new io.openpaas.common.events.EventEnvelope(
                io.openpaas.common.events.EventEnvelope.SPEC_VERSION, id, "/gateway",
                io.openpaas.common.events.Subjects.type(io.openpaas.common.events.Domain.SECURITY, "denied"), path,
                Instant.now().truncatedTo(ChronoUnit.MICROS), io.openpaas.common.events.EventEnvelope.JSON, null, actor, requestId,
                mapper.valueToTree(data));
        try {
            publish(id, codec.encode(envelope).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1);
        } catch (Exception e) {
            Log.warnf("could not encode a denied-request event: %s", e.toString());
        }
    }

    private void publish(String id, byte[] payload, int attempt) {
        Connection c = nats.connectedOrNull();
        if (c == null) {
            retry(id, payload, attempt, "NATS not connected");
            return;
        }
        try {
            JetStream js = c.jetStream();
            js.publishAsync(SUBJECT, null, payload, PublishOptions.builder().messageId(id).build())
                    .whenComplete((ack, failure) -> {
                        if (failure != null) {
                            retry(id, payload, attempt, failure.toString());
                        }
                    });
        } catch (Exception e) {
            retry(id, payload, attempt, e.toString());
        }
    }

    private void retry(String id, byte[] payload, int attempt, String reason) {
        if (attempt >= ATTEMPTS) {
            Log.errorf("dropped denied-request event %s after %d attempts: %s", id, attempt, reason);
            return;
        }
        vertx.setTimer(200L << attempt, t -> publish(id, payload, attempt + 1));
    }

}

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
 * {@code Nats-Msg-Id} and is retried a few times, and JetStream drops a repeat. A flood of 429s
 * from one caller is recorded once per window, not once per request, so that an abusive client
 * cannot flood the audit trail through the gateway. Events never contain the token.
 */
@ApplicationScoped
public class DeniedEventPublisher {

    public static final String SUBJECT = "paas.security._.denied";
    private static final int ATTEMPTS = 5;

    private final ObjectMapper mapper = new ObjectMapper();
    private final GatewayNats nats;
    private final Vertx vertx;
    private final Map<String, Long> rateLimitedWindows = new ConcurrentHashMap<>();

    public DeniedEventPublisher(GatewayNats nats, Vertx vertx) {
        this.nats = nats;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        vertx.setPeriodic(60_000, id -> rateLimitedWindows.clear());
    }

    /** Records a refused request; for 429, only the first of each caller's window. */
    public void denied(int status, String method, String path, String actor, String requestId, String limitKey, long window) {
        if (status == 429) {
            Long previous = rateLimitedWindows.put(limitKey, window);
            if (previous != null && previous == window) {
                return;
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("reason", status == 429 ? "rate_limited" : "unauthenticated");
        data.put("method", method);
        data.put("path", path);
        data.put("service", "gateway");
        Map<String, Object> envelope = new LinkedHashMap<>();
        String id = UUID.randomUUID().toString();
        envelope.put("specversion", "1.0");
        envelope.put("id", id);
        envelope.put("source", "/gateway");
        envelope.put("type", "paas.security.denied");
        envelope.put("subject", path);
        envelope.put("time", Instant.now().truncatedTo(ChronoUnit.MICROS).toString());
        envelope.put("datacontenttype", "application/json");
        envelope.put("actor", actor);
        envelope.put("correlationid", requestId);
        envelope.put("data", data);
        try {
            publish(id, mapper.writeValueAsBytes(envelope), 1);
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

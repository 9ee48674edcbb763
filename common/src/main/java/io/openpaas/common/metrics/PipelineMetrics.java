package io.openpaas.common.metrics;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.api.ConsumerInfo;
import io.openpaas.common.consumer.ConsumerRunner;
import io.openpaas.common.nats.NatsClient;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event pipeline as gauges (docs/operations.md): the outbox's unsent rows and the age of the
 * oldest, and for each durable consumer what the server still holds for it. They are sampled on
 * a timer rather than at scrape time, so a scrape never waits on the database or on NATS.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its meters exist from the start, not from first use
public class PipelineMetrics {

    private static final String BACKLOG = "select count(*), coalesce(extract(epoch from now() - min(created_at)), 0) "
            + "from outbox_events where sent_at is null";

    private final AgroalDataSource dataSource;
    private final NatsClient nats;
    private final ConsumerRunner consumers;
    private final MeterRegistry registry;
    /** NaN while the database does not answer: a stale figure would read as a healthy one. */
    private volatile double backlog = Double.NaN;
    private volatile double oldestAgeSeconds = Double.NaN;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ackPending = new ConcurrentHashMap<>();

    public PipelineMetrics(AgroalDataSource dataSource, NatsClient nats, ConsumerRunner consumers, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.nats = nats;
        this.consumers = consumers;
        this.registry = registry;
        Gauge.builder("openpaas.outbox.backlog", this, m -> m.backlog)
                .description("events committed but not yet acknowledged by JetStream").register(registry);
        Gauge.builder("openpaas.outbox.oldest.age", this, m -> m.oldestAgeSeconds).baseUnit("seconds")
                .description("age of the oldest unpublished outbox event (0 when none)").register(registry);
    }

    @Scheduled(every = "${openpaas.metrics.sample-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        sampleOutbox();
        sampleConsumers();
    }

    private void sampleOutbox() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(BACKLOG)) {
            rs.next();
            backlog = rs.getLong(1);
            oldestAgeSeconds = rs.getDouble(2);
        } catch (Exception e) {
            backlog = Double.NaN;
            oldestAgeSeconds = Double.NaN;
            Log.debugf("outbox backlog not sampled: %s", e);
        }
    }

    private void sampleConsumers() {
        if (!nats.isConnected()) {
            return;
        }
        consumers.attachedStreams().forEach((durable, stream) -> {
            try {
                ConsumerInfo info = nats.management().getConsumerInfo(stream, durable);
                holder(pending, "openpaas.consumer.pending", "events in the stream this consumer has not received yet", durable)
                        .set(info.getNumPending());
                holder(ackPending, "openpaas.consumer.ack.pending", "events delivered to this consumer and not acknowledged yet", durable)
                        .set(info.getNumAckPending());
            } catch (Exception e) {
                Log.debugf("consumer %s not sampled: %s", durable, e);
            }
        });
    }

    private AtomicLong holder(Map<String, AtomicLong> holders, String name, String description, String durable) {
        return holders.computeIfAbsent(durable, d -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).tag("consumer", d).register(registry);
            return value;
        });
    }
}

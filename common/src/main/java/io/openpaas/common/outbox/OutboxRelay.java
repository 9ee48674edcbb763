package io.openpaas.common.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.openpaas.common.nats.NatsClient;
import io.openpaas.common.nats.NatsConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes committed outbox rows to JetStream with {@code Nats-Msg-Id} = event id, waits for
 * the acks, then marks the rows sent, all while holding the rows' locks ({@code for update skip
 * locked}) so that several replicas never publish the same row concurrently.
 *
 * <p>It runs on one dedicated thread with plain JDBC: the work is inherently sequential and
 * blocking (it waits for acks), and keeping it off the event loop and out of Hibernate
 * Reactive's context rules makes it simple to reason about. It is woken right after each
 * commit and also sweeps on a timer, so an event committed just before a crash is published
 * at the next start. A publish whose ack was lost is retried; JetStream drops the duplicate
 * inside its duplicate window and consumers' inboxes drop anything later.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final String SELECT_PENDING = "select seq, id, subject, payload from outbox_events "
            + "where sent_at is null order by seq limit ? for update skip locked";
    private static final String MARK_SENT = "update outbox_events set sent_at = now() where seq = any(?)";
    private static final String PURGE_SENT = "delete from outbox_events where sent_at < now() - make_interval(secs => ?)";

    private final AgroalDataSource dataSource;
    private final NatsClient nats;
    private final NatsConfig natsConfig;
    private final OutboxConfig config;
    private final Counter published;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean running;
    private volatile Thread worker;
    private long lastPurge;

    public OutboxRelay(AgroalDataSource dataSource, NatsClient nats, NatsConfig natsConfig, OutboxConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.nats = nats;
        this.natsConfig = natsConfig;
        this.config = config;
        this.published = Counter.builder("openpaas.outbox.published").description("events published from the outbox").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.relayEnabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts the relay thread (idempotent). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        worker = new Thread(this::loop, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    public synchronized void stop() {
        running = false;
        Thread t = worker;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        worker = null;
    }

    /** Called after a transaction that wrote outbox rows has committed. */
    public void wake() {
        wakeRequested.set(true);
        Thread t = worker;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void loop() {
        long sweepNanos = config.sweepInterval().toNanos();
        while (running) {
            try {
                if (nats.isConnected()) {
                    while (running && publishPending() == config.batchSize()) {
                        // a full batch: there may be more right away
                    }
                    purgeSentOccasionally();
                }
            } catch (Exception e) {
                Log.warnf("outbox relay round failed, will retry: %s", e.toString());
            }
            if (!wakeRequested.getAndSet(false)) {
                LockSupport.parkNanos(this, sweepNanos);
                wakeRequested.set(false);
            }
        }
    }

    /**
     * Publishes one batch of pending events and returns how many were published. Public so
     * that tests can drive a relay that is not running, as after a restart.
     */
    public int publishPending() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> seqs = new ArrayList<>();
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
                JetStream js = nats.jetStream();
                try (PreparedStatement select = c.prepareStatement(SELECT_PENDING)) {
                    select.setInt(1, config.batchSize());
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            seqs.add(rs.getLong(1));
                            String id = rs.getString(2);
                            // messageId is sent as the Nats-Msg-Id header: JetStream's duplicate detection key
                            PublishOptions options = PublishOptions.builder().messageId(id).build();
                            acks.add(js.publishAsync(rs.getString(3), rs.getString(4).getBytes(StandardCharsets.UTF_8), options));
                        }
                    }
                }
                if (seqs.isEmpty()) {
                    c.commit();
                    return 0;
                }
                long timeoutMs = natsConfig.requestTimeout().toMillis();
                for (CompletableFuture<PublishAck> ack : acks) {
                    ack.get(timeoutMs, TimeUnit.MILLISECONDS);
                }
                try (PreparedStatement mark = c.prepareStatement(MARK_SENT)) {
                    Array array = c.createArrayOf("bigint", seqs.toArray());
                    mark.setArray(1, array);
                    mark.executeUpdate();
                }
                c.commit();
                published.increment(seqs.size());
                return seqs.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void purgeSentOccasionally() throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastPurge < Duration.ofMinutes(1).toMillis()) {
            return;
        }
        lastPurge = now;
        try (Connection c = dataSource.getConnection(); PreparedStatement purge = c.prepareStatement(PURGE_SENT)) {
            purge.setLong(1, config.keepSent().toSeconds());
            purge.executeUpdate();
        }
    }
}

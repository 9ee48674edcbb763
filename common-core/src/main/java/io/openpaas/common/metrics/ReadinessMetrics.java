package io.openpaas.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's own readiness as metrics: {@code openpaas_ready} (1 or 0) and
 * {@code openpaas_readiness_changes_total}, so that a service flapping between ready and not
 * ready is alerted on (docs/operations.md) even where no orchestrator records its probes.
 */
@ApplicationScoped
public class ReadinessMetrics {

    private static final long EVERY_MS = 5000;

    private final SmallRyeHealthReporter health;
    private final Vertx vertx;
    private final AtomicInteger ready = new AtomicInteger();
    private final Counter changes;
    private volatile boolean sampled;
    /** A slow check must not pile samples up behind it. */
    private final java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean();
    private long timer = -1;

    public ReadinessMetrics(SmallRyeHealthReporter health, Vertx vertx, MeterRegistry registry) {
        this.health = health;
        this.vertx = vertx;
        Gauge.builder("openpaas.ready", ready, AtomicInteger::get).description("1 while /health/ready answers UP").register(registry);
        this.changes = Counter.builder("openpaas.readiness.changes").description("times readiness went from up to down or back").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(0, EVERY_MS, t -> sample());
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void sample() {
        if (!sampling.compareAndSet(false, true)) {
            return;
        }
        health.getReadinessAsync().subscribe().with(report -> record(report.isDown() ? 0 : 1), failure -> record(0));
    }

    private void record(int now) {
        // the first sample sets the level; only later moves count as changes
        if (ready.getAndSet(now) != now && sampled) {
            changes.increment();
        }
        sampled = true;
        sampling.set(false);
    }
}

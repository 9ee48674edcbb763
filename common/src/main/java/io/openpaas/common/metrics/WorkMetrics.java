package io.openpaas.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics of a unit of long work with states (builds, deployments): how many are in each
 * unfinished state and how many are past their deadline (sampled from the database, so every
 * replica reports the same figures: dashboards take the max), and how long finished ones took
 * (recorded by the replica that finished them: dashboards sum).
 */
public final class WorkMetrics {

    private static final Duration[] BUCKETS = {Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30)};

    private final MeterRegistry registry;
    private final String prefix;
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong overdue = new AtomicLong();

    /** {@code prefix} is singular ("openpaas.build"); the gauges take its plural. */
    public WorkMetrics(MeterRegistry registry, String prefix, Collection<String> unfinishedStates, Collection<String> finalStates) {
        this.registry = registry;
        this.prefix = prefix;
        for (String state : unfinishedStates) {
            AtomicLong count = new AtomicLong();
            inFlight.put(state, count);
            Gauge.builder(prefix + "s.in.flight", count, AtomicLong::get).tag("state", state)
                    .description("unfinished, by state").register(registry);
        }
        Gauge.builder(prefix + "s.overdue", overdue, AtomicLong::get).description("unfinished and past their deadline").register(registry);
        finalStates.forEach(this::timer); // at zero from the start, so that rates and alerts have a series
    }

    /**
     * Takes a sample with {@code query}, which answers one row per unfinished state: the state,
     * how many are in it, and how many of those are past their deadline. States absent count 0.
     */
    public Uni<Void> sample(Pool pool, String query, Tuple args) {
        return pool.preparedQuery(query).execute(args).invoke(rows -> {
            Map<String, Long> byState = new HashMap<>();
            long late = 0;
            for (Row row : rows) {
                byState.put(row.getString(0), row.getLong(1));
                late += row.getLong(2);
            }
            inFlight.forEach((state, count) -> count.set(byState.getOrDefault(state, 0L)));
            overdue.set(late);
        }).replaceWithVoid();
    }

    /** One finished: its final state and how long it ran, from its start (or its request when it never started). */
    public void finished(String state, Instant start, Instant end) {
        if (start == null || end == null) {
            return;
        }
        timer(state).record(Duration.between(start, end));
    }

    private Timer timer(String state) {
        return Timer.builder(prefix + ".duration").tag("state", state).serviceLevelObjectives(BUCKETS)
                .description("time from start to a final state").register(registry);
    }
}

package io.openpaas.build.builds.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.openpaas.build.builds.Build;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.config.BuildConfig;
import io.openpaas.common.metrics.WorkMetrics;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * {@code openpaas_builds_in_flight{state}}, {@code openpaas_builds_overdue} (started longer ago
 * than the build timeout: the timeout sweep should have ended them) and
 * {@code openpaas_build_duration_seconds{state}}; docs/operations.md.
 */
@ApplicationScoped
public class BuildMetrics {

    /** A queued build has no deadline yet (it waits for capacity); a started one must end within the timeout. */
    private static final String SAMPLE = "select state, count(*), count(*) filter (where started_at is not null and started_at "
            + "< now() - make_interval(secs => $1)) from builds where state = any($2) group by state";

    private final WorkMetrics work;
    private final Pool pool;
    private final BuildConfig config;

    public BuildMetrics(MeterRegistry registry, Pool pool, BuildConfig config) {
        this.pool = pool;
        this.config = config;
        this.work = new WorkMetrics(registry, "openpaas.build", names(BuildState.OPEN), names(EnumSet.complementOf(EnumSet.copyOf(BuildState.OPEN))));
    }

    @Scheduled(every = "${openpaas.metrics.sample-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        return work.sample(pool, SAMPLE, Tuple.of((double) config.timeout().toSeconds(), BuildState.names(BuildState.OPEN)));
    }

    /** A build reached a final state (its time counts from its start, or from its request when it never started). */
    public void finished(Build b) {
        work.finished(b.state.name(), b.startedAt != null ? b.startedAt : b.createdAt, b.finishedAt);
    }

    private static java.util.List<String> names(java.util.Set<BuildState> states) {
        return Arrays.asList(BuildState.names(states));
    }
}

package io.openpaas.deploy.deployments.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.openpaas.common.metrics.WorkMetrics;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@code openpaas_deployments_in_flight{state}}, {@code openpaas_deployments_overdue} (in flight
 * past their rollout deadline: the deadline sweep should have failed them) and
 * {@code openpaas_deployment_duration_seconds{state}} from request to AVAILABLE, FAILED or
 * CANCELLED; docs/operations.md.
 */
@ApplicationScoped
public class DeploymentMetrics {

    private static final String SAMPLE = "select state, count(*), count(*) filter (where deadline_at < now()) "
            + "from deployments where state = any($1) group by state";
    private static final List<String> IN_FLIGHT = DeploymentState.IN_FLIGHT.stream().map(Enum::name).sorted().toList();
    /** SUPERSEDED is not one: it follows AVAILABLE, whose time was counted already. */
    private static final List<DeploymentState> ENDS = List.of(DeploymentState.AVAILABLE, DeploymentState.FAILED, DeploymentState.CANCELLED);

    private final WorkMetrics work;
    private final Pool pool;

    public DeploymentMetrics(MeterRegistry registry, Pool pool) {
        this.pool = pool;
        this.work = new WorkMetrics(registry, "openpaas.deployment", IN_FLIGHT, ENDS.stream().map(Enum::name).toList());
    }

    @Scheduled(every = "${openpaas.metrics.sample-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        return work.sample(pool, SAMPLE, Tuple.of(IN_FLIGHT.toArray(String[]::new)));
    }

    /** The deployment has just entered {@code d.state}. */
    public void entered(Deployment d) {
        if (ENDS.contains(d.state)) {
            work.finished(d.state.name(), d.createdAt, d.finishedAt);
        }
    }
}

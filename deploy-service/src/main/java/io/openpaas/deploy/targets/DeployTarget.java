package io.openpaas.deploy.targets;

import java.util.List;
import java.util.UUID;

/**
 * Where services run (docs/deployments.md): {@code local} containers behind a proxy by default;
 * the cluster targets (Kubernetes, GitOps, ArgoCD, Rancher) implement the same operations.
 * Calls may block: they run on worker threads.
 */
public interface DeployTarget {

    String name();

    /**
     * Checks that the target answers, within its timeouts, and says what answered (a version, an
     * endpoint); fails with the reason when it does not.
     */
    default String probe() throws DeployFailure, InterruptedException {
        return "reachable";
    }

    /** The target's own rendering of a deployment, for {@code GET /api/v1/deployments/{id}/manifests}; null when it has none. */
    default String manifests(WorkloadSpec spec) {
        return null;
    }

    /** Whether the target sees replicas at all (a Git repository does not: what runs is the cluster's business). */
    default boolean observesReplicas() {
        return true;
    }

    /** Releases the target's clients (its cluster was changed or removed). */
    default void close() {
    }

    /**
     * Rolls the service to {@code spec}: new replicas start and must pass their health check
     * before traffic moves to them; the previous deployment's replicas then leave the proxy and
     * stop after a grace period, which the call need not wait for. Reports progress to {@code progress}.
     */
    void apply(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException;

    /** The service's replicas as they are now. */
    List<Replica> observe(UUID serviceId);

    /**
     * Starts a replica of a serving deployment that exited, again: the engine's own restart
     * policy may not (podman's depends on how it runs).
     */
    void restart(String replicaId);

    /** Every replica this target runs for the platform, of every service. */
    List<Replica> observeAll();

    /**
     * Brings what runs back in line with what was recorded, after a restart of deploy-service, of
     * the engine or of the machine: the replicas of {@code serving} deployments run and receive
     * traffic again; replicas of any deployment neither serving nor in {@code inFlight} (another
     * instance's rollout) are removed. Reports what it changed to {@code progress}; fails when the
     * target cannot be reached, so that the caller retries before rolling anything out.
     */
    void reconcile(java.util.Set<UUID> serving, java.util.Set<UUID> inFlight, RolloutProgress progress) throws DeployFailure, InterruptedException;

    /**
     * The output of the service's running replicas, each line prefixed with its replica: the last
     * {@code tail} lines (since {@code since} when given), then, when {@code follow}, new lines
     * until {@code stop} is closed. Blocks until then.
     */
    void logs(UUID serviceId, int tail, java.time.Instant since, boolean follow, java.util.function.Consumer<String> line,
            java.util.concurrent.CountDownLatch stop) throws InterruptedException;

    /** Removes everything that runs for the service and its URL. */
    void remove(UUID serviceId) throws InterruptedException;
}

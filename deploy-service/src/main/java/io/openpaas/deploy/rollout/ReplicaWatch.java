package io.openpaas.deploy.rollout;

import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.repository.DeploymentRepository;
import io.openpaas.deploy.deployments.service.DeploymentTransitions;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.Replica;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reports replicas of serving deployments that die (docs/deployments.md): every few seconds it
 * compares what the target runs with what was last recorded; a replica that exited or that the
 * engine restarted since publishes {@code replica_failed} once, and the deployment publishes
 * {@code recovered} when all its replicas run again. A replica that failed (non-zero exit) is
 * started again, up to {@value #MAX_RESTARTS} times per deployment (as Docker's on-failure policy
 * would; podman's depends on how it runs). Services with a rollout in flight are left alone: their old replicas
 * stop on purpose. One instance at a time does it.
 */
@ApplicationScoped
public class ReplicaWatch {

    /** The replica an event names: enough to find it in the logs. */
    public record ReplicaReport(String name, String state, Long exitCode, int restarts) {
    }

    static final int MAX_RESTARTS = 5;
    private final DeployTargets targets;
    private final DeploymentRepository deployments;
    private final DeploymentTransitions transitions;
    private final Transactions tx;

    public ReplicaWatch(DeployTargets targets, DeploymentRepository deployments, DeploymentTransitions transitions, Transactions tx) {
        this.targets = targets;
        this.deployments = deployments;
        this.transitions = transitions;
        this.tx = tx;
    }

    @Scheduled(every = "${openpaas.deploy.watch-every:5s}", delayed = "${openpaas.deploy.watch-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watch() {
        try {
            Instant seenAt = DeploymentTransitions.now();
            Map<Replica, DeployTarget> runsOn = new java.util.HashMap<>();
            // only deployments on clusters looked at now are compared: a repository shows no replicas, and an
            // unreachable cluster's replicas are unknown, not gone
            Set<String> observed = new java.util.HashSet<>();
            for (var entry : targets.serving().entrySet()) {
                DeployTarget target = entry.getValue();
                if (!target.observesReplicas()) {
                    continue;
                }
                try {
                    target.observeAll().stream().filter(r -> r.deploymentId() != null).forEach(r -> runsOn.put(r, target));
                    observed.add(entry.getKey());
                } catch (RuntimeException e) {
                    Log.debugf("could not look at the replicas on %s: %s", target.name(), e.toString());
                }
            }
            Map<UUID, List<Replica>> byDeployment = runsOn.keySet().stream().collect(Collectors.groupingBy(Replica::deploymentId));
            List<Replica> toRestart = new java.util.concurrent.CopyOnWriteArrayList<>();
            Blocking.await(() -> record(byDeployment, observed, seenAt, toRestart));
            toRestart.forEach(r -> runsOn.get(r).restart(r.id())); // counted in the transaction that reported them

        } catch (RuntimeException e) {
            Log.warnf("could not watch the running replicas (again at the next round): %s", e.toString());
        }
    }

    /**
     * Compares and records; {@code toRestart} gets the replicas to start again, counted (and
     * capped) in this transaction, with the events that report their exit.
     */
    private Uni<Void> record(Map<UUID, List<Replica>> byDeployment, Set<String> observed, Instant seenAt, List<Replica> toRestart) {
        return tx.write(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_try_advisory_xact_lock(hashtext('openpaas.deploy.watch'))", Boolean.class).getSingleResult())
                .chain(mine -> !mine ? Uni.createFrom().voidItem() : deployments.list("from Deployment d where d.state = ?1 and not exists (select 1 from Deployment r "
                        + "where r.serviceId = d.serviceId and r.state in ?2)", DeploymentState.AVAILABLE,
                        List.of(DeploymentState.APPLYING, DeploymentState.PROGRESSING))
                        .chain(serving -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (Deployment d : serving) {
                                // one that became AVAILABLE after the look was not in it
                                if ((d.finishedAt == null || d.finishedAt.isBefore(seenAt)) && observed.contains(d.cluster)) {
                                    List<Replica> replicas = byDeployment.getOrDefault(d.id, List.of());
                                    chain = chain.call(() -> compare(d, replicas)).invoke(() -> toRestart.addAll(restartable(d, replicas)));
                                }
                            }
                            return chain;
                        })));
    }

    /**
     * As Docker's on-failure policy: replicas that failed (non-zero exit), {@value #MAX_RESTARTS}
     * times per deployment with the engine's own restarts (its policy restarts a crash, not a
     * replica killed through its API); the count is raised on {@code d}, saved with the transaction.
     */
    private static List<Replica> restartable(Deployment d, List<Replica> replicas) {
        int byEngine = replicas.stream().mapToInt(Replica::restarts).sum();
        List<Replica> dead = replicas.stream().filter(r -> !r.healthy() && r.exitCode() != null
                && !Set.of("restarting", "removing", "running").contains(r.state().toLowerCase(java.util.Locale.ROOT)))
                .limit(Math.max(0, MAX_RESTARTS - byEngine - d.watchRestarts)).toList();
        d.watchRestarts += dead.size();
        return dead;
    }

    private Uni<Void> compare(Deployment d, List<Replica> replicas) {
        int ready = (int) replicas.stream().filter(Replica::healthy).count();
        // an exit counts once: as an exited replica, then as a restart once the engine restarts it
        int failures = replicas.stream().mapToInt(r -> r.restarts()
                + (!r.healthy() && r.exitCode() != null && !"restarting".equalsIgnoreCase(r.state()) ? 1 : 0)).sum();
        int lastReady = d.readyReplicas == null ? d.replicas : d.readyReplicas;
        if (failures > d.failures || ready < lastReady) {
            Replica worst = replicas.stream().max(Comparator.comparing((Replica r) -> !r.healthy()).thenComparingInt(Replica::restarts))
                    .orElse(null);
            Log.warnf("deployment %s: %d of %d replicas run, %d failure(s) seen", d.id, ready, d.replicas, failures);
            return transitions.observedInTransaction(d.id, ready, Math.max(failures, d.failures), "replica_failed",
                    worst == null ? null : new ReplicaReport(worst.name(), worst.state(), worst.exitCode(), worst.restarts()));
        }
        if (ready >= d.replicas && lastReady < d.replicas) {
            return transitions.observedInTransaction(d.id, ready, d.failures, "recovered", null);
        }
        if (d.readyReplicas == null || ready != d.readyReplicas || failures != d.failures) {
            return transitions.observedInTransaction(d.id, ready, Math.max(failures, d.failures), null, null);
        }
        return Uni.createFrom().voidItem();
    }
}

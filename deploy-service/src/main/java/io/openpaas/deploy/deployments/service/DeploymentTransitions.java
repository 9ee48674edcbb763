package io.openpaas.deploy.deployments.service;

import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
import io.openpaas.deploy.deployments.metrics.DeploymentMetrics;
import io.openpaas.deploy.deployments.repository.DeploymentRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The one place a deployment changes state: under a row lock, only from the states the caller
 * expects, with {@code paas.deploy.<project>.<state>} in the same transaction; the loser of a
 * race gets null and changes nothing.
 */
@ApplicationScoped
public class DeploymentTransitions {

    private final DeploymentRepository deployments;
    private final DeploymentMapper mapper;
    private final Outbox outbox;
    private final Transactions tx;
    private final io.openpaas.common.json.Json json;
    private final DeploymentMetrics metrics;

    public DeploymentTransitions(DeploymentRepository deployments, DeploymentMapper mapper, Outbox outbox, Transactions tx,
            io.openpaas.common.json.Json json, DeploymentMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
        this.deployments = deployments;
        this.mapper = mapper;
        this.outbox = outbox;
        this.tx = tx;
    }

    public Uni<Deployment> move(UUID id, Set<DeploymentState> from, DeploymentState to, Consumer<Deployment> change) {
        return tx.write(() -> moveInTransaction(id, from, to, change));
    }

    public Uni<Deployment> moveInTransaction(UUID id, Set<DeploymentState> from, DeploymentState to, Consumer<Deployment> change) {
        return deployments.lock(id).chain(d -> {
            if (d == null || !from.contains(d.state)) {
                return Uni.createFrom().nullItem();
            }
            d.state = to;
            change.accept(d);
            if (to.isFinal() || to == DeploymentState.AVAILABLE) {
                d.finishedAt = d.finishedAt == null ? now() : d.finishedAt;
            }
            return deployments.flush().chain(() -> announce(d)).invoke(() -> metrics.entered(d)).replaceWith(d);
        });
    }

    /**
     * The rollout took the traffic: AVAILABLE, and every other AVAILABLE deployment of the service
     * SUPERSEDED, in one transaction, so that one serves per service whatever fails after. Null when
     * it is no longer in flight.
     */
    public Uni<Deployment> makeAvailable(UUID id) {
        return tx.write(() -> moveInTransaction(id, Set.of(DeploymentState.APPLYING, DeploymentState.PROGRESSING), DeploymentState.AVAILABLE,
                d -> {
                }).call(d -> d == null ? Uni.createFrom().voidItem() : deployments.list("serviceId = ?1 and state = ?2 and id <> ?3",
                        d.serviceId, DeploymentState.AVAILABLE, d.id).chain(previous -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (Deployment old : previous) {
                                chain = chain.call(() -> moveInTransaction(old.id, Set.of(DeploymentState.AVAILABLE), DeploymentState.SUPERSEDED,
                                        o -> o.reason = "replaced by deployment " + d.id));
                            }
                            return chain;
                        })));
    }

    /**
     * Fails a rollout past its deadline, decided under the row lock: not one that has moved
     * traffic meanwhile (it serves). Null when nothing changed.
     */
    public Uni<Deployment> failOverdue(UUID id, String reason) {
        return tx.write(() -> deployments.lock(id).chain(d -> d == null || d.trafficMovedAt != null ? Uni.createFrom().<Deployment>nullItem()
                : moveInTransaction(id, Set.of(DeploymentState.APPLYING, DeploymentState.PROGRESSING), DeploymentState.FAILED,
                        x -> x.reason = reason)));
    }

    /** Whether the deployment is still being rolled out (not cancelled or failed meanwhile). */
    public Uni<Boolean> isInFlight(UUID id) {
        return io.quarkus.hibernate.reactive.panache.Panache.withSession(() -> deployments.findById(id)
                .map(d -> d != null && DeploymentState.IN_FLIGHT.contains(d.state)));
    }

    /**
     * Marks that traffic moves to the deployment's new replicas, if it is still rolling out: false
     * when it was cancelled or failed meanwhile. Once marked, a cancel is refused.
     */
    public Uni<Boolean> markTrafficMoving(UUID id) {
        return tx.write(() -> deployments.lock(id).chain(d -> {
            if (d == null || (d.state != DeploymentState.APPLYING && d.state != DeploymentState.PROGRESSING)) {
                return Uni.createFrom().item(false);
            }
            d.trafficMovedAt = now();
            return deployments.flush().replaceWith(true);
        }));
    }

    /**
     * Records how a serving deployment's replicas look now, in the caller's transaction, and
     * publishes {@code event} ({@code replica_failed}, {@code recovered}) with {@code replica} when given.
     */
    public Uni<Void> observedInTransaction(UUID id, int ready, int failures, String event, Object replica) {
        return deployments.lock(id).chain(d -> {
            if (d == null || d.state != DeploymentState.AVAILABLE) {
                return Uni.createFrom().voidItem();
            }
            d.readyReplicas = ready;
            d.failures = failures;
            if (event == null) {
                return deployments.flush().replaceWithVoid();
            }
            var data = (com.fasterxml.jackson.databind.node.ObjectNode) json.tree(mapper.toView(d));
            if (replica != null) {
                data.set("replica", json.tree(replica));
            }
            return deployments.flush().chain(() -> outbox.append(Domain.DEPLOY, d.projectId, event, d.id, data)).replaceWithVoid();
        });
    }

    public Uni<Void> announce(Deployment d) {
        return outbox.append(Domain.DEPLOY, d.projectId, d.state.event(), d.id, mapper.toView(d)).replaceWithVoid();
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}

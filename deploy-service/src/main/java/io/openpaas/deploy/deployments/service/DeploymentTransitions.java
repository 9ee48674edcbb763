package io.openpaas.deploy.deployments.service;

import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
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

    public DeploymentTransitions(DeploymentRepository deployments, DeploymentMapper mapper, Outbox outbox, Transactions tx) {
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
            return deployments.flush().chain(() -> announce(d)).replaceWith(d);
        });
    }

    public Uni<Void> announce(Deployment d) {
        return outbox.append(Domain.DEPLOY, d.projectId, d.state.event(), d.id, mapper.toView(d)).replaceWithVoid();
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}

package io.openpaas.deploy.deployments.repository;

import io.openpaas.deploy.deployments.Deployment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<Deployment, UUID> {

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<Deployment>> pageOfService(UUID serviceId, UUID before, int limit) {
        if (before == null) {
            return find("serviceId = ?1 order by id desc", serviceId).page(0, limit).list();
        }
        return find("serviceId = ?1 and id < ?2 order by id desc", serviceId, before).page(0, limit).list();
    }

    /** The row locked for the caller's transaction (read afresh unless the session already holds it). */
    public Uni<Deployment> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}

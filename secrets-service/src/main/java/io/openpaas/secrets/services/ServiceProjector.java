package io.openpaas.secrets.services;

import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps {@code service_projection} in step with {@code paas.service.*}, so a secret group links
 * only services of its own project that exist. A row only takes a newer event; a deleted service
 * stays as a tombstone, and the groups that linked it drop it (docs/secrets.md).
 */
@ApplicationScoped
public class ServiceProjector implements EventHandler {

    private final ServiceChanges changes;

    public ServiceProjector(ServiceChanges changes) {
        this.changes = changes;
    }

    @Override
    public String name() {
        return "secrets-service-services";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.SERVICE);
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        if (event.subject() != null) {
            changes.changed(UUID.fromString(event.subject()));
        }
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        var data = event.data();
        UUID serviceId = UUID.fromString(data.path("id").asText());
        UUID projectId = UUID.fromString(data.path("project_id").asText());
        boolean deleted = event.type().endsWith(".deleted");
        Uni<Integer> upsert = Panache.getSession().chain(s -> s.createNativeQuery("insert into service_projection (service_id, project_id, slug, "
                + "deleted, changed_at) values (:id, :p, :slug, :deleted, :at) on conflict (service_id) do update set slug = excluded.slug, "
                + "deleted = service_projection.deleted or excluded.deleted, changed_at = excluded.changed_at "
                + "where service_projection.changed_at < excluded.changed_at")
                .setParameter("id", serviceId).setParameter("p", projectId).setParameter("slug", data.path("slug").asText())
                .setParameter("deleted", deleted).setParameter("at", event.time()).executeUpdate());
        if (!deleted) {
            return upsert.replaceWithVoid();
        }
        // the link goes with the service; deploy-service has nothing left to roll for it
        return upsert.chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                "update secret_groups set services = array_remove(services, :id) where project_id = :p and :id = any(services)")
                .setParameter("id", serviceId).setParameter("p", projectId).executeUpdate())).replaceWithVoid();
    }
}

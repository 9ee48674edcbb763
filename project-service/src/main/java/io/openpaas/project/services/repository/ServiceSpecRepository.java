package io.openpaas.project.services.repository;

import io.openpaas.project.services.ServiceSpec;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ServiceSpecRepository implements PanacheRepositoryBase<ServiceSpec, UUID> {

    private static final UUID FIRST = new UUID(0, 0);

    public Uni<Boolean> slugTaken(UUID projectId, String slug) {
        return count("projectId = ?1 and slug = ?2", projectId, slug).map(n -> n > 0);
    }

    public Uni<List<ServiceSpec>> pageOfProject(UUID projectId, UUID after, int limit) {
        return find("projectId = ?1 and id > ?2 order by id", projectId, after == null ? FIRST : after).range(0, limit - 1).list();
    }

    public Uni<List<ServiceSpec>> allOfProject(UUID projectId) {
        return list("projectId", projectId);
    }
}

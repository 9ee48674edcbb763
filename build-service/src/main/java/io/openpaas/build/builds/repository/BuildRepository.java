package io.openpaas.build.builds.repository;

import io.openpaas.build.builds.Build;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import jakarta.persistence.LockModeType;

@ApplicationScoped
public class BuildRepository implements PanacheRepositoryBase<Build, UUID> {

    /** Newest first; {@code before} is the last id of the previous page. */
    public Uni<List<Build>> pageOfService(UUID serviceId, UUID before, int limit) {
        if (before == null) {
            return find("serviceId = ?1 order by id desc", serviceId).page(0, limit).list();
        }
        return find("serviceId = ?1 and id < ?2 order by id desc", serviceId, before).page(0, limit).list();
    }

    /** The build, its row locked until the transaction ends (transitions are decided on it). */
    public Uni<Build> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}

package io.openpaas.project.members.repository;

import io.openpaas.project.members.Membership;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class MembershipRepository implements PanacheRepositoryBase<Membership, Membership.Key> {

    /** A project's members after the cursor (user id), in user id order. */
    public Uni<java.util.List<Membership>> page(UUID projectId, String afterUserId, int limit) {
        return find("projectId = ?1 and userId > ?2 order by userId", projectId, afterUserId == null ? "" : afterUserId)
                .range(0, limit - 1).list();
    }

    /** Projects in which this user is the only owner. */
    public Uni<java.util.List<UUID>> lastOwnedBy(String userId) {
        return find("select m.projectId from Membership m where m.userId = ?1 and m.role = 'owner' "
                + "and (select count(o) from Membership o where o.projectId = m.projectId and o.role = 'owner') = 1", userId)
                .project(UUID.class).list();
    }

    public Uni<Membership> findMembership(UUID projectId, String userId) {
        return findById(new Membership.Key(projectId, userId));
    }
}

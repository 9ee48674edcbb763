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

    /**
     * Locks the project's owner rows, in one order, and counts them. Every change that could
     * take away an owner calls this first, so concurrent ones run one after the other and each
     * counts what the other left: two owners demoting each other cannot leave none.
     */
    public Uni<Long> lockOwners(UUID projectId) {
        return getSession().chain(s -> s.createNativeQuery(
                "select count(*) from (select 1 from memberships where project_id = :project and role = 'owner' order by user_id for update) o",
                Long.class).setParameter("project", projectId).getSingleResult());
    }

    public Uni<Membership> findMembership(UUID projectId, String userId) {
        return findById(new Membership.Key(projectId, userId));
    }
}

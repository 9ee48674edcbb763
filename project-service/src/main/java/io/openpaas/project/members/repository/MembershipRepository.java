package io.openpaas.project.members.repository;

import io.openpaas.project.members.Membership;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class MembershipRepository implements PanacheRepositoryBase<Membership, Membership.Key> {

    public Uni<Membership> findMembership(UUID projectId, String userId) {
        return findById(new Membership.Key(projectId, userId));
    }
}

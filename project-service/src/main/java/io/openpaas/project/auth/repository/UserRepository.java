package io.openpaas.project.auth.repository;

import io.openpaas.project.auth.User;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    private static final UUID FIRST = new UUID(0, 0);

    /** Users after the cursor, oldest first ({@code limit} rows at most). */
    public Uni<java.util.List<User>> page(UUID after, int limit) {
        return find("id > ?1 order by id", after == null ? FIRST : after).range(0, limit - 1).list();
    }

    public Uni<User> findByUsername(String username) {
        return find("username", username).firstResult();
    }

    /** Locks the platform admins' rows, in one order, and counts them (see MembershipRepository.lockOwners). */
    public Uni<Long> lockAdmins() {
        return getSession().chain(s -> s.createNativeQuery("select count(*) from (select 1 from users where admin order by id for update) a", Long.class)
                .getSingleResult());
    }
}

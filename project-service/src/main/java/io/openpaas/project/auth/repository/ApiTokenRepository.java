package io.openpaas.project.auth.repository;

import io.openpaas.project.auth.ApiToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, UUID> {

    private static final UUID FIRST = new UUID(0, 0);

    /** A user's tokens after the cursor, oldest first ({@code limit} rows at most). */
    public Uni<java.util.List<ApiToken>> pageForUser(UUID userId, UUID after, int limit) {
        return find("userId = ?1 and id > ?2 order by id", userId, after == null ? FIRST : after).range(0, limit - 1).list();
    }

    public Uni<ApiToken> findByPrefix(String prefix) {
        return find("prefix", prefix).firstResult();
    }
}

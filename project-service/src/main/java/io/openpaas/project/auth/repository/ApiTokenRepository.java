package io.openpaas.project.auth.repository;

import io.openpaas.project.auth.ApiToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, UUID> {

    public Uni<ApiToken> findByPrefix(String prefix) {
        return find("prefix", prefix).firstResult();
    }
}

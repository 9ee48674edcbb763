package io.openpaas.deploy.clusters.repository;

import io.openpaas.deploy.clusters.Cluster;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ClusterRepository implements PanacheRepositoryBase<Cluster, UUID> {

    public Uni<Cluster> findByName(String name) {
        return find("name", name).firstResult();
    }

    public Uni<List<Cluster>> allByName() {
        return find("order by name").list();
    }
}

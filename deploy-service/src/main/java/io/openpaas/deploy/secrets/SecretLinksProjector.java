package io.openpaas.deploy.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.openpaas.deploy.sources.ServiceRuntimes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps {@code secret_links} in step with {@code paas.secret.*} and rolls the services a change
 * concerns: those linked after it (they get the new values) and those linked before it (they
 * lose the keys), each that runs gets a {@code secret} deployment of what it runs, queued in this
 * transaction (docs/secrets.md). A row only takes a newer event.
 */
@ApplicationScoped
public class SecretLinksProjector implements EventHandler {

    private final DeploymentRequests requests;
    private final ServiceRuntimes services;

    public SecretLinksProjector(DeploymentRequests requests, ServiceRuntimes services) {
        this.requests = requests;
        this.services = services;
    }

    @Override
    public String name() {
        return "deploy-service-secrets";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.SECRET);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        boolean updated = event.type().endsWith(".updated");
        boolean deleted = event.type().endsWith(".deleted");
        if (!updated && !deleted) {
            return Uni.createFrom().voidItem(); // reveals and key rotations change nothing that runs
        }
        JsonNode data = event.data();
        UUID projectId = UUID.fromString(data.path("project_id").asText());
        Set<UUID> concerned = new LinkedHashSet<>();
        data.path("services").forEach(s -> concerned.add(UUID.fromString(s.asText())));
        data.path("previous_services").forEach(s -> concerned.add(UUID.fromString(s.asText())));
        String keys = String.join(",", iterable(data.path("keys")));
        String linked = String.join(",", iterable(data.path("services")));
        return Panache.getSession().chain(s -> s.createNativeQuery("insert into secret_links (project_id, group_name, version, keys, services, "
                + "store, deleted, changed_at) values (:p, :g, :v, string_to_array(:keys, ','), cast(string_to_array(:services, ',') as uuid[]), "
                + ":store, :deleted, :at) on conflict (project_id, group_name) do update set version = excluded.version, keys = excluded.keys, "
                + "services = excluded.services, store = excluded.store, deleted = excluded.deleted, changed_at = excluded.changed_at "
                + "where secret_links.changed_at < excluded.changed_at")
                .setParameter("p", projectId).setParameter("g", data.path("group").asText()).setParameter("v", data.path("version").asInt())
                .setParameter("keys", keys).setParameter("services", deleted ? "" : linked)
                .setParameter("store", data.path("store").asText("builtin")).setParameter("deleted", deleted).setParameter("at", event.time())
                .executeUpdate())
                .chain(applied -> applied == 0 ? Uni.createFrom().voidItem() : roll(concerned));
    }

    private Uni<Void> roll(Set<UUID> serviceIds) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID serviceId : serviceIds) {
            chain = chain.call(() -> requests.latestAsked(serviceId).chain(latest -> latest == null ? Uni.createFrom().voidItem()
                    : services.findInTransaction(serviceId).chain(service -> service == null ? Uni.createFrom().voidItem()
                            : requests.redeploy(service, latest, latest.replicas, "secret", "deploy-service").replaceWithVoid())));
        }
        return chain;
    }

    private static Iterable<String> iterable(JsonNode array) {
        java.util.List<String> items = new java.util.ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return items;
    }
}

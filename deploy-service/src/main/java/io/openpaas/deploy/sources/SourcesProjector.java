package io.openpaas.deploy.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.projection.KeyedSignals;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps {@code project_slugs} and {@code service_runtimes} in step with {@code paas.project.*} and
 * {@code paas.service.*}: what deploy-service needs to run a service and name its URL. A row
 * only takes a newer event; a deletion stays as a tombstone.
 */
@ApplicationScoped
public class SourcesProjector implements EventHandler {

    private final SourceChanges changes;
    private final io.openpaas.deploy.rollout.Rollouts rollouts;
    private final io.openpaas.deploy.deployments.service.DeploymentRequests requests;
    private final ServiceRuntimes services;
    private final io.openpaas.common.json.Json json;

    public SourcesProjector(SourceChanges changes, io.openpaas.deploy.rollout.Rollouts rollouts,
            io.openpaas.deploy.deployments.service.DeploymentRequests requests, ServiceRuntimes services, io.openpaas.common.json.Json json) {
        this.json = json;
        this.changes = changes;
        this.rollouts = rollouts;
        this.requests = requests;
        this.services = services;
    }

    /** Wakes requests waiting for a service the projection has not seen yet. */
    @ApplicationScoped
    public static class SourceChanges extends KeyedSignals {
    }

    @Override
    public String name() {
        return "deploy-service-sources";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.PROJECT, Domain.SERVICE);
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        if (event.subject() != null) {
            changes.changed(UUID.fromString(event.subject()));
        }
        // a deleted service (also each service of a deleted project) takes its workload with it
        if (event.type().equals("paas.service.deleted")) {
            rollouts.removeService(UUID.fromString(event.data().path("id").asText()));
        } else if (event.type().equals("paas.service.updated") || event.type().equals("paas.project.updated")) {
            rollouts.wake(); // it may have queued a rollout of the new settings
        }
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        JsonNode data = event.data();
        boolean deleted = event.type().endsWith(".deleted");
        if (event.type().startsWith("paas.project.")) {
            UUID projectId = UUID.fromString(data.path("id").asText());
            // an event without the field (from before projects named clusters) keeps what is known
            String cluster = data.path("cluster").isTextual() ? data.path("cluster").asText() : null;
            return Panache.getSession().chain(session -> session.createNativeQuery("select cluster from project_slugs where project_id = :id "
                    + "and not deleted", String.class).setParameter("id", projectId).getResultList())
                    .chain(before -> Panache.getSession().chain(session -> session.createNativeQuery("insert into project_slugs (project_id, "
                            + "slug, cluster, deleted, changed_at) values (:id, :slug, coalesce(cast(:cluster as text), 'local'), :deleted, :at) "
                            + "on conflict (project_id) do update set slug = excluded.slug, "
                            + "cluster = coalesce(cast(:cluster as text), project_slugs.cluster), deleted = excluded.deleted, changed_at = excluded.changed_at "
                            + "where project_slugs.changed_at < excluded.changed_at and not project_slugs.deleted")
                            .setParameter("id", projectId).setParameter("slug", data.path("slug").asText()).setParameter("cluster", cluster)
                            .setParameter("deleted", deleted).setParameter("at", event.time()).executeUpdate())
                            .chain(applied -> applied == 0 || deleted || before.isEmpty() || cluster == null || before.get(0).equals(cluster)
                                    ? Uni.createFrom().voidItem() : moveToCluster(projectId)));
        }
        UUID serviceId = UUID.fromString(data.path("id").asText());
        if (event.type().equals("paas.service.updated")) {
            return Panache.getSession().chain(session -> session.createNativeQuery("select ports, runtime, coalesce(image, '') "
                    + "from service_runtimes where service_id = :id and not deleted", Object[].class).setParameter("id", serviceId).getResultList())
                    .chain(before -> upsertService(serviceId, data, deleted, event).chain(applied -> {
                        if (applied == 0 || before.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        JsonNode oldRuntime = json.tree((String) before.get(0)[1]);
                        JsonNode newRuntime = runtime(data);
                        String oldKey = rolled((String) before.get(0)[0], oldRuntime, (String) before.get(0)[2]);
                        JsonNode source = data.path("build_source");
                        String newKey = rolled(data.path("ports").isArray() ? data.path("ports").toString() : "[]", newRuntime,
                                source.path("image").isTextual() ? source.path("image").asText() : "");
                        boolean newCount = !oldRuntime.path("replicas").path("desired").equals(newRuntime.path("replicas").path("desired"));
                        boolean newBounds = !oldRuntime.path("replicas").equals(newRuntime.path("replicas"));
                        if (!oldKey.equals(newKey)) {
                            return rollToNewSettings(serviceId, newCount);
                        }
                        // new bounds change nothing that runs here, but a cluster's autoscaler takes them
                        return !newBounds ? Uni.createFrom().voidItem() : services.findInTransaction(serviceId).chain(service ->
                                service == null || "local".equals(service.cluster()) ? Uni.createFrom().voidItem() : rollToNewSettings(serviceId, false));
                    }));
        }
        return upsertService(serviceId, data, deleted, event).replaceWithVoid();
    }

    /**
     * A running (or deploying) service whose settings changed (ports, env, command, resources, desired replicas,
     * health check; the image of an image service) gets a rollout of them, in this transaction.
     */
    private Uni<Void> rollToNewSettings(UUID serviceId, boolean newCount) {
        // of the newest image asked for, not the serving one: a build's deployment still queued or
        // rolling out is neither undone nor lost (the new one supersedes it with its image)
        return requests.latestAsked(serviceId).chain(latest -> latest == null ? Uni.createFrom().voidItem()
                : services.findInTransaction(serviceId).chain(service -> {
                    boolean newImage = "image".equals(service.sourceType()) && service.image() != null && !service.image().equals(latest.image);
                    // the count asked for last (a queued scale too) unless the desired count is what changed
                    return requests.enqueue(service, newImage ? service.image() : latest.image, newImage ? null : latest.buildId, "config",
                            "deploy-service", newCount ? null : Integer.valueOf(latest.replicas)).replaceWithVoid();
                }));
    }

    /**
     * A project moved to another cluster: each of its services that runs (or is being deployed)
     * gets a deployment there, of what it was asked to run last; once that one serves, the old
     * cluster's workload goes (docs/clusters.md).
     */
    private Uni<Void> moveToCluster(UUID projectId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("select cast(service_id as text) from service_runtimes "
                + "where project_id = :p and not deleted", String.class).setParameter("p", projectId).getResultList())
                .chain(ids -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String id : ids) {
                        UUID serviceId = UUID.fromString(id);
                        chain = chain.call(() -> requests.latestAsked(serviceId).chain(latest -> latest == null ? Uni.createFrom().voidItem()
                                : services.findInTransaction(serviceId).chain(service -> requests.redeploy(service, latest, latest.replicas,
                                        "cluster", "deploy-service")).replaceWithVoid()));
                    }
                    return chain;
                });
    }

    /** What a change of rolls the service, comparable between a stored row and an event: not its bounds nor the auto- switches. */
    private static String rolled(String ports, JsonNode runtime, String image) {
        var node = ((com.fasterxml.jackson.databind.node.ObjectNode) runtime).deepCopy();
        node.remove("auto_rollback");
        node.set("replicas", node.path("replicas").path("desired"));
        return ports + " " + node + " " + image;
    }

    private Uni<Integer> upsertService(UUID serviceId, JsonNode data, boolean deleted, EventEnvelope event) {
        return execute("insert into service_runtimes (service_id, project_id, slug, source_type, image, ports, runtime, auto_deploy, deleted, "
                + "changed_at) values (:id, :project, :slug, :type, :image, :ports, :runtime, :auto, :deleted, :at) "
                + "on conflict (service_id) do update set slug = excluded.slug, source_type = excluded.source_type, image = excluded.image, "
                + "ports = excluded.ports, runtime = excluded.runtime, auto_deploy = excluded.auto_deploy, deleted = excluded.deleted, "
                + "changed_at = excluded.changed_at where service_runtimes.changed_at < excluded.changed_at and not service_runtimes.deleted",
                serviceId, data, deleted, event, UUID.fromString(data.path("project_id").asText()));
    }

    private static Uni<Integer> execute(String sql, UUID id, JsonNode data, boolean deleted, EventEnvelope event, UUID projectId) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql).setParameter("id", id).setParameter("slug", data.path("slug").asText())
                    .setParameter("deleted", deleted).setParameter("at", event.time());
            if (projectId != null) {
                JsonNode source = data.path("build_source");
                query.setParameter("project", projectId)
                        .setParameter("type", source.path("type").asText(deleted ? "deleted" : "git"))
                        .setParameter("image", source.path("image").isTextual() ? source.path("image").asText() : null)
                        .setParameter("ports", data.path("ports").isArray() ? data.path("ports").toString() : "[]")
                        .setParameter("runtime", runtime(data).toString())
                        .setParameter("auto", data.path("auto_deploy").asBoolean(false));
            }
            return query.executeUpdate();
        });
    }

    /** The runtime fields of a service event, as one document. */
    private static JsonNode runtime(JsonNode data) {
        var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String field : new String[] {"env", "command", "args", "resources", "replicas", "health_check", "auto_rollback"}) {
            if (data.has(field)) {
                node.set(field, data.get(field));
            }
        }
        return node;
    }
}

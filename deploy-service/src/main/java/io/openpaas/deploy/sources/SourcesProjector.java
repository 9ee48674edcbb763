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

    public SourcesProjector(SourceChanges changes, io.openpaas.deploy.rollout.Rollouts rollouts) {
        this.changes = changes;
        this.rollouts = rollouts;
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
        }
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        JsonNode data = event.data();
        boolean deleted = event.type().endsWith(".deleted");
        if (event.type().startsWith("paas.project.")) {
            return execute("insert into project_slugs (project_id, slug, deleted, changed_at) values (:id, :slug, :deleted, :at) "
                    + "on conflict (project_id) do update set slug = excluded.slug, deleted = excluded.deleted, changed_at = excluded.changed_at "
                    + "where project_slugs.changed_at < excluded.changed_at and not project_slugs.deleted",
                    UUID.fromString(data.path("id").asText()), data, deleted, event, null);
        }
        return execute("insert into service_runtimes (service_id, project_id, slug, source_type, image, ports, runtime, auto_deploy, deleted, "
                + "changed_at) values (:id, :project, :slug, :type, :image, :ports, :runtime, :auto, :deleted, :at) "
                + "on conflict (service_id) do update set slug = excluded.slug, source_type = excluded.source_type, image = excluded.image, "
                + "ports = excluded.ports, runtime = excluded.runtime, auto_deploy = excluded.auto_deploy, deleted = excluded.deleted, "
                + "changed_at = excluded.changed_at where service_runtimes.changed_at < excluded.changed_at and not service_runtimes.deleted",
                UUID.fromString(data.path("id").asText()), data, deleted, event, UUID.fromString(data.path("project_id").asText()));
    }

    private static Uni<Void> execute(String sql, UUID id, JsonNode data, boolean deleted, EventEnvelope event, UUID projectId) {
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
        }).replaceWithVoid();
    }

    /** The runtime fields of a service event, as one document. */
    private static JsonNode runtime(JsonNode data) {
        var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String field : new String[] {"env", "command", "args", "resources", "replicas", "health_check"}) {
            if (data.has(field)) {
                node.set(field, data.get(field));
            }
        }
        return node;
    }
}

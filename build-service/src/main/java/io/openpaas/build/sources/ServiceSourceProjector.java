package io.openpaas.build.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps {@code service_sources} in step with {@code paas.service.*}: the build source, Dockerfile,
 * context and first port of every service. A row only takes a newer event, so redelivered or
 * reordered events leave the latest state; a deleted service stays as a tombstone.
 */
@ApplicationScoped
public class ServiceSourceProjector implements EventHandler {

    private final ServiceSourceChanges changes;

    public ServiceSourceProjector(ServiceSourceChanges changes) {
        this.changes = changes;
    }

    @Override
    public String name() {
        return "build-service-sources";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.SERVICE);
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        if (event.subject() != null) {
            changes.changed(UUID.fromString(event.subject()));
        }
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        JsonNode data = event.data();
        UUID serviceId = UUID.fromString(data.path("id").asText());
        UUID projectId = UUID.fromString(data.path("project_id").asText());
        if (event.type().endsWith(".deleted")) {
            return upsert("insert into service_sources (service_id, project_id, slug, source_type, deleted, changed_at) "
                    + "values (:id, :project, :slug, 'deleted', true, :at) on conflict (service_id) do update "
                    + "set deleted = true, changed_at = excluded.changed_at where service_sources.changed_at < excluded.changed_at",
                    serviceId, projectId, data, event);
        }
        return upsert("insert into service_sources (service_id, project_id, slug, source_type, repository, branch, dockerfile, "
                + "context, port, build_secrets, deleted, changed_at) values (:id, :project, :slug, :type, :repository, :branch, :dockerfile, "
                + ":context, :port, string_to_array(:secrets, ','), false, :at) on conflict (service_id) do update set slug = excluded.slug, "
                + "build_secrets = excluded.build_secrets, "
                + "source_type = excluded.source_type, repository = excluded.repository, branch = excluded.branch, "
                + "dockerfile = excluded.dockerfile, context = excluded.context, port = excluded.port, "
                + "changed_at = excluded.changed_at where service_sources.changed_at < excluded.changed_at "
                + "and not service_sources.deleted", serviceId, projectId, data, event);
    }

    private static Uni<Void> upsert(String sql, UUID serviceId, UUID projectId, JsonNode data, EventEnvelope event) {
        JsonNode source = data.path("build_source");
        JsonNode ports = data.path("ports");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql)
                    .setParameter("id", serviceId)
                    .setParameter("project", projectId)
                    .setParameter("slug", data.path("slug").asText())
                    .setParameter("at", event.time());
            if (sql.contains(":type")) {
                query.setParameter("type", text(source, "type"))
                        .setParameter("repository", text(source, "repository"))
                        .setParameter("branch", text(source, "branch"))
                        .setParameter("dockerfile", text(source, "dockerfile"))
                        .setParameter("context", text(source, "context"))
                        .setParameter("port", ports.isArray() && !ports.isEmpty() ? ports.get(0).path("port").asInt() : null)
                        .setParameter("secrets", keys(source.path("secrets")));
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }

    /** The build secret key names, comma-joined (they are validated as variable names: no commas). */
    private static String keys(JsonNode names) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        names.forEach(n -> keys.add(n.asText()));
        return String.join(",", keys);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}

package io.openpaas.deploy.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.json.Json;
import io.openpaas.common.members.MembersConfig;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the projection of services and turns one into the spec a target runs. A service created
 * a moment ago may not have arrived yet: a lookup waits for it (without polling) up to the same
 * bound as membership lookups, then answers 404.
 */
@ApplicationScoped
public class ServiceRuntimes {

    /** A live service as deploy-service knows it. */
    public record ServiceRuntime(UUID serviceId, UUID projectId, String slug, String projectSlug, String sourceType, String image,
            JsonNode ports, JsonNode runtime, boolean autoDeploy, String cluster) {
    }

    private final Pool pool;
    private final SourcesProjector.SourceChanges changes;
    private final MembersConfig config;
    private final Json json;

    public ServiceRuntimes(Pool pool, SourcesProjector.SourceChanges changes, MembersConfig config, Json json) {
        this.pool = pool;
        this.changes = changes;
        this.config = config;
        this.json = json;
    }

    public Uni<ServiceRuntime> require(UUID serviceId) {
        return changes.lookUntilFound(serviceId, config.catchUpWait(), () -> row(serviceId)).map(this::live)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("service", serviceId));
    }

    /** The live service now, or null, without waiting. */
    public Uni<ServiceRuntime> find(UUID serviceId) {
        return row(serviceId).map(this::live);
    }

    private static final String ROW = "select s.service_id, s.project_id, s.slug, p.slug, s.source_type, s.image, s.ports, s.runtime, "
            + "s.auto_deploy, s.deleted, coalesce(p.cluster, 'local') from service_runtimes s left join project_slugs p on p.project_id = s.project_id where s.service_id = ";

    /** The projection's row, a deleted service's tombstone included (null: not known yet). */
    private Uni<Row> row(UUID serviceId) {
        return pool.preparedQuery(ROW + "$1").execute(Tuple.of(serviceId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    /** The live service as the caller's transaction sees it (its own uncommitted change included), or null. */
    public Uni<ServiceRuntime> findInTransaction(UUID serviceId) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession().chain(session -> session
                .createNativeQuery(ROW + ":id", Object[].class).setParameter("id", serviceId).getResultList())
                .map(rows -> {
                    if (rows.isEmpty() || Boolean.TRUE.equals(rows.get(0)[9])) {
                        return null;
                    }
                    Object[] r = rows.get(0);
                    UUID projectId = (UUID) r[1];
                    return new ServiceRuntime((UUID) r[0], projectId, (String) r[2], r[3] == null ? projectId.toString().substring(0, 8)
                            : (String) r[3], (String) r[4], (String) r[5], json.tree((String) r[6]), json.tree((String) r[7]), (Boolean) r[8],
                            (String) r[10]);
                });
    }

    private ServiceRuntime live(Row r) {
        return r == null || r.getBoolean(9) ? null : new ServiceRuntime(r.getUUID(0), r.getUUID(1), r.getString(2),
                r.getString(3) == null ? r.getUUID(1).toString().substring(0, 8) : r.getString(3), r.getString(4), r.getString(5),
                json.tree(r.getString(6)), json.tree(r.getString(7)), r.getBoolean(8), r.getString(10));
    }

    /** The spec of a deployment of {@code image} for the service as it is now (defaults where the service says nothing). */
    public static WorkloadSpec spec(ServiceRuntime s, UUID deploymentId, String image) {
        JsonNode r = s.runtime();
        List<WorkloadSpec.Port> ports = new ArrayList<>();
        for (JsonNode p : s.ports()) {
            ports.add(new WorkloadSpec.Port(p.path("name").asText("http"), p.path("port").asInt(), p.path("public").asBoolean(false)));
        }
        Map<String, String> env = new LinkedHashMap<>();
        r.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        JsonNode h = r.path("health_check");
        int firstPort = ports.isEmpty() ? 8080 : ports.get(0).port();
        WorkloadSpec.HealthCheck health = new WorkloadSpec.HealthCheck(h.path("path").asText("/"), h.path("port").asInt(firstPort),
                h.path("interval_seconds").asInt(5), h.path("timeout_seconds").asInt(2), h.path("failure_threshold").asInt(3),
                h.path("initial_delay_seconds").asInt(0));
        return new WorkloadSpec(s.projectId(), s.projectSlug(), s.serviceId(), s.slug(), deploymentId, image, env, strings(r.path("command")),
                strings(r.path("args")), r.path("resources").path("cpu_millicores").asInt(500), r.path("resources").path("memory_mb").asInt(256),
                r.path("replicas").path("desired").asInt(1), ports, health,
                new WorkloadSpec.Bounds(r.path("replicas").path("min").asInt(1), r.path("replicas").path("max").asInt(10)), List.of(), null);
    }

    private static List<String> strings(JsonNode node) {
        if (!node.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The image of one of the service's successful builds, or null. */
    public Uni<String> builtImage(UUID serviceId, UUID buildId) {
        return pool.preparedQuery("select image from built_images where build_id = $1 and service_id = $2").execute(Tuple.of(buildId, serviceId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }
}

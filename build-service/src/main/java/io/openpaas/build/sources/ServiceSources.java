package io.openpaas.build.sources;

import io.openpaas.common.members.MembersConfig;
import io.openpaas.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * Reads the projection of services. A service created a moment ago may not have reached it yet:
 * a lookup waits (without polling) for the projector to commit a change of that service, up to
 * the same bound as membership lookups, then answers 404.
 */
@ApplicationScoped
public class ServiceSources {

    private final Pool pool;
    private final ServiceSourceChanges changes;
    private final MembersConfig config;

    public ServiceSources(Pool pool, ServiceSourceChanges changes, MembersConfig config) {
        this.pool = pool;
        this.changes = changes;
        this.config = config;
    }

    /** The live service, or 404 once the wait is over. */
    public Uni<ServiceSource> require(UUID serviceId) {
        long deadline = System.nanoTime() + config.catchUpWait().toNanos();
        return find(serviceId, deadline).onItem().ifNull().failWith(() -> ProblemException.notFound("service", serviceId));
    }

    /** The live service now, or null, without waiting. */
    public Uni<ServiceSource> find(UUID serviceId) {
        return find(serviceId, System.nanoTime());
    }

    private Uni<ServiceSource> find(UUID serviceId, long deadline) {
        return pool.preparedQuery("select service_id, project_id, slug, source_type, repository, branch, dockerfile, context, port, deleted "
                + "from service_sources where service_id = $1").execute(Tuple.of(serviceId))
                .chain(rows -> {
                    if (rows.size() > 0) {
                        Row row = rows.iterator().next();
                        return Uni.createFrom().item(row.getBoolean("deleted") ? null : map(row));
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Uni.createFrom().nullItem();
                    }
                    return changes.next(serviceId, Duration.ofNanos(left))
                            .chain(changed -> find(serviceId, changed ? deadline : System.nanoTime()));
                });
    }

    private static ServiceSource map(Row row) {
        return new ServiceSource(row.getUUID("service_id"), row.getUUID("project_id"), row.getString("slug"),
                row.getString("source_type"), row.getString("repository"), row.getString("branch"), row.getString("dockerfile"),
                row.getString("context"), row.getInteger("port"));
    }
}

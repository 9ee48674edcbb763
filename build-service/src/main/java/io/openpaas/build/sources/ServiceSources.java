package io.openpaas.build.sources;

import io.openpaas.common.members.MembersConfig;
import io.openpaas.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
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
        return changes.lookUntilFound(serviceId, config.catchUpWait(), () -> row(serviceId)).map(ServiceSources::live)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("service", serviceId));
    }

    /** The live service now, or null, without waiting. */
    public Uni<ServiceSource> find(UUID serviceId) {
        return row(serviceId).map(ServiceSources::live);
    }

    /** The projection's row, a deleted service's tombstone included (null: not known yet). */
    private Uni<Row> row(UUID serviceId) {
        return pool.preparedQuery("select service_id, project_id, slug, source_type, repository, branch, dockerfile, context, port, deleted "
                + "from service_sources where service_id = $1").execute(Tuple.of(serviceId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    private static ServiceSource live(Row row) {
        return row == null || row.getBoolean("deleted") ? null : map(row);
    }

    private static ServiceSource map(Row row) {
        return new ServiceSource(row.getUUID("service_id"), row.getUUID("project_id"), row.getString("slug"),
                row.getString("source_type"), row.getString("repository"), row.getString("branch"), row.getString("dockerfile"),
                row.getString("context"), row.getInteger("port"));
    }
}

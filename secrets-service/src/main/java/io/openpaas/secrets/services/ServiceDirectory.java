package io.openpaas.secrets.services;

import io.openpaas.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Answers whether services belong to a project, waiting briefly (~2 s) for a projection that has not caught up. */
@ApplicationScoped
public class ServiceDirectory {

    private static final Duration CATCH_UP = Duration.ofSeconds(2);
    private final Pool pool;
    private final ServiceChanges changes;

    public ServiceDirectory(Pool pool, ServiceChanges changes) {
        this.pool = pool;
        this.changes = changes;
    }

    /** Fails with a 400 naming the first service that is not a live service of the project. */
    public Uni<Void> requireInProject(UUID projectId, List<UUID> services) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID service : services) {
            chain = chain.chain(() -> changes.lookUntilFound(service, CATCH_UP, () -> pool
                    .preparedQuery("select 1 from service_projection where service_id = $1 and project_id = $2 and not deleted")
                    .execute(Tuple.of(service, projectId)).map(rows -> rows.size() > 0 ? Boolean.TRUE : null))
                    .invoke(found -> {
                        if (found == null) {
                            throw ProblemException.invalidField("services", "service " + service + " is not a service of this project");
                        }
                    }).replaceWithVoid());
        }
        return chain;
    }
}

package io.openpaas.deploy.secrets;

import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.secrets.SecretDelivery;
import io.openpaas.common.secrets.SecretsClient;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.ResolvedSecrets;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The secret groups of a rollout (docs/secrets.md): a deployment records the names of the groups
 * linked to its service when it is asked for; when its rollout starts, the values of the groups
 * linked then are fetched from secrets-service ({@link SecretsClient}, sealed for this process)
 * and handed to the target in memory only. A service with no linked group never asks, so
 * deployments do not depend on secrets-service unless they use it.
 */
@ApplicationScoped
public class RolloutSecrets {

    private final Pool pool;
    private final SecretsClient client;

    public RolloutSecrets(Pool pool, SecretsClient client) {
        this.pool = pool;
        this.client = client;
    }

    /** The groups linked to the service, by name, in the caller's transaction. */
    public Uni<List<String>> linkedGroups(UUID serviceId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("select group_name from secret_links where not deleted "
                + "and :id = any(services) order by group_name", String.class).setParameter("id", serviceId).getResultList());
    }

    /** The spec with the values of the groups linked now (blocking: a rollout's worker thread). */
    public WorkloadSpec attach(WorkloadSpec spec) throws DeployFailure, InterruptedException {
        List<String> linked = Blocking.await(() -> pool.preparedQuery("select group_name from secret_links where not deleted "
                + "and $1 = any(services) order by group_name").execute(Tuple.of(spec.serviceId())).map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(r -> names.add(r.getString(0)));
                    return names;
                }));
        if (linked.isEmpty()) {
            return spec.withSecretGroups(List.of());
        }
        try {
            List<SecretDelivery.Group> groups = client.resolve(spec.projectId(), spec.serviceId(), null);
            return spec.withSecrets(new ResolvedSecrets(groups));
        } catch (SecretDelivery.DeliveryFailure e) {
            throw new DeployFailure("the values of the service's secret groups " + linked + " could not be fetched: " + e.getMessage());
        }
    }
}

package io.openpaas.build.execution;

import io.openpaas.common.persistence.Blocking;

import io.openpaas.build.builds.Build;
import io.openpaas.build.config.RegistryConfig;
import io.openpaas.build.credentials.GitCredential;
import io.openpaas.build.credentials.GitCredentials;
import io.openpaas.build.sources.ServiceSource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a claimed build into the job an executor runs: the service's first port from the
 * projection, its Git credential decrypted (and every secret in it registered with the log
 * masker before any output is written), and the image name in the registry.
 */
@ApplicationScoped
public class BuildJobs {

    private final Pool pool;
    private final GitCredentials credentials;
    private final RegistryConfig registry;

    public BuildJobs(Pool pool, GitCredentials credentials, RegistryConfig registry) {
        this.pool = pool;
        this.credentials = credentials;
        this.registry = registry;
    }

    public BuildJob prepare(Build build, BuildRun run) {
        registry.password().ifPresent(run::mask);
        GitCredential credential = Blocking.await(() -> credentials.find(build.serviceId));
        if (credential != null) {
            run.mask(credential.secret());
        }
        java.util.List<String> secrets = new java.util.ArrayList<>();
        ServiceSource source = Blocking.await(() -> pool.preparedQuery("select slug, port, build_secrets from service_sources where service_id = $1")
                .execute(Tuple.of(build.serviceId))
                .map(rows -> {
                    Row row = rows.size() == 0 ? null : rows.iterator().next();
                    if (row != null) {
                        secrets.addAll(java.util.Arrays.asList(row.getArrayOfStrings(2)));
                    }
                    return row == null ? null : new ServiceSource(build.serviceId, build.projectId, row.getString(0), "git", null, null,
                            null, null, row.getInteger(1));
                }));
        String slug = source == null ? build.serviceId.toString() : source.slug();
        String repository = registry.host() + "/" + registry.prefix() + "/" + build.projectId + "/" + build.serviceId;
        return new BuildJob(build.id, build.projectId, build.serviceId, slug, build.repository, build.branch, build.requestedCommit,
                build.dockerfile, build.context, source == null ? null : source.port(), credential, repository, build.id.toString(),
                java.util.List.copyOf(secrets));
    }
}

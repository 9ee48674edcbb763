package io.openpaas.deploy.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.openpaas.common.crypto.SecretCipher;
import io.openpaas.common.json.Json;
import io.openpaas.common.persistence.Blocking;
import io.openpaas.deploy.clusters.Cluster;
import io.openpaas.deploy.clusters.ClusterCredentials;
import io.openpaas.deploy.clusters.ClusterSettings;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.JsonApi;
import io.openpaas.deploy.targets.argocd.ArgoCdTarget;
import io.openpaas.deploy.targets.gitops.GitOpsTarget;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import io.openpaas.deploy.targets.kubernetes.KubernetesTarget;
import io.openpaas.deploy.targets.kubernetes.Kubeconfigs;
import io.openpaas.deploy.targets.local.LocalTarget;
import io.openpaas.deploy.targets.rancher.RancherTarget;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The target of each cluster (docs/clusters.md): {@code local} from configuration, the registered
 * ones built from their row on first use (credentials unsealed in memory only) and kept until the
 * row changes. Every Kubernetes target renders with the one renderer.
 */
@ApplicationScoped
public class DeployTargets {

    public static final String LOCAL = "local";
    /** The purpose cluster credentials are sealed for (with the cluster's id). */
    public static final String CREDENTIALS = "cluster-credentials";

    /** A cluster the project names that is not registered. */
    public static class UnknownCluster extends RuntimeException {
        public UnknownCluster(String name) {
            super("cluster '" + name + "' is not registered: an admin registers it (POST /api/v1/clusters), or the project names another");
        }
    }

    private record Built(long version, DeployTarget target) {
    }

    private final DeployConfig config;
    private final ObjectMapper mapper;
    private final Json json;
    private final Pool pool;
    private final SecretCipher cipher;
    private final DeployTarget local;
    private final Map<UUID, Built> built = new ConcurrentHashMap<>();
    /** Quarkus' own: every cluster's client shares its event loops instead of starting a Vert.x of its own. */
    private final io.vertx.core.Vertx vertx;

    public DeployTargets(DeployConfig config, ObjectMapper mapper, Json json, Pool pool, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.config = config;
        this.mapper = mapper;
        this.json = json;
        this.pool = pool;
        if (config.clusters().progressDeadline().plusMinutes(1).compareTo(config.rolloutDeadline()) > 0) {
            // a cluster rollout has moved traffic from its first apply on: past the rollout deadline it would be
            // recorded AVAILABLE, so the cluster's own progress deadline must fail it first
            throw new IllegalStateException("openpaas.deploy.clusters.progress-deadline (" + config.clusters().progressDeadline()
                    + ") must be at least a minute shorter than openpaas.deploy.rollout-deadline (" + config.rolloutDeadline() + ")");
        }
        this.cipher = new SecretCipher(config.clusters().credentialsKey(), Path.of(config.clusters().stateDir(), "keys", "cluster-credentials.key"));
        this.local = switch (config.target()) {
            case LOCAL -> new LocalTarget(config.local().platform(), config.local().dockerHost(), config.local().proxyAdminUrl(),
                    config.local().proxyPort(), mapper, config.drain(), config.stopGrace(), config.healthDeadline());
            default -> throw new IllegalStateException("unknown deployment target '" + config.target() + "' (openpaas.deploy.target)");
        };
    }

    void onStop(@Observes ShutdownEvent event) {
        built.values().forEach(b -> b.target().close());
    }

    public SecretCipher cipher() {
        return cipher;
    }

    public DeployTarget local() {
        return local;
    }

    /** The target of a cluster by the name a project gives; fails with {@link UnknownCluster}. */
    public Uni<DeployTarget> byName(String cluster) {
        if (cluster == null || LOCAL.equals(cluster)) {
            return Uni.createFrom().item(local);
        }
        return pool.preparedQuery("select id, name, kind, settings, credentials, version from clusters where name = $1").execute(Tuple.of(cluster))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new UnknownCluster(cluster);
                    }
                    return of(rows.iterator().next());
                });
    }

    /** Where the service runs: the cluster of its serving deployment, else the one its project names. */
    public Uni<DeployTarget> forService(UUID serviceId) {
        return pool.preparedQuery("select coalesce((select cluster from deployments where service_id = $1 and state = 'AVAILABLE' "
                + "order by id desc limit 1), (select p.cluster from service_runtimes s join project_slugs p on p.project_id = s.project_id "
                + "where s.service_id = $1), 'local')").execute(Tuple.of(serviceId)).chain(rows -> byName(rows.iterator().next().getString(0)))
                .onFailure(UnknownCluster.class).transform(e -> io.openpaas.common.problem.ProblemException.conflict(e.getMessage()));
    }

    /** As {@link #byName}, from a worker thread; an unknown cluster is a rollout's failure. */
    public DeployTarget require(String cluster) throws DeployFailure {
        try {
            return Blocking.await(() -> byName(cluster));
        } catch (UnknownCluster e) {
            throw new DeployFailure(e.getMessage());
        }
    }

    /**
     * The targets something serves on now, by cluster name: local and each registered cluster with
     * an AVAILABLE deployment (one that cannot be built is left out, and logged). Registered
     * clusters nothing runs on are not asked.
     */
    public Map<String, DeployTarget> serving() {
        Map<String, DeployTarget> out = new java.util.LinkedHashMap<>();
        out.put(LOCAL, local);
        Blocking.await(() -> pool.query("select id, name, kind, settings, credentials, version from clusters c where exists "
                + "(select 1 from deployments d where d.cluster = c.name and d.state = 'AVAILABLE')").execute()
                .invoke(rows -> rows.forEach(row -> {
                    try {
                        out.put(row.getString(1), of(row));
                    } catch (RuntimeException e) {
                        io.quarkus.logging.Log.warnf("cluster '%s' cannot be used: %s", row.getString(1), e.getMessage());
                    }
                })));
        return out;
    }

    /** The target of a registered cluster's row, built again when the row changed. */
    public DeployTarget of(Cluster cluster) {
        return of(cluster.id, cluster.name, cluster.kind, cluster.settings, cluster.credentials, cluster.version);
    }

    private DeployTarget of(Row row) {
        io.vertx.mutiny.core.buffer.Buffer sealed = row.getBuffer(4);
        return of(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3), sealed == null ? null : sealed.getBytes(), row.getLong(5));
    }

    /** Built once per row version, also when a rollout, a probe and the watch ask for it at once. */
    private DeployTarget of(UUID id, String name, String kind, String settings, byte[] sealed, long version) {
        return built.compute(id, (key, current) -> {
            if (current != null && current.version() == version) {
                return current;
            }
            // a registered cluster is never edited (only removed): a newer version replaces nothing in use
            ClusterSettings s = json.read(settings, ClusterSettings.class);
            ClusterCredentials credentials = sealed == null ? new ClusterCredentials(null, null, null)
                    : json.read(cipher.decrypt(id, CREDENTIALS, sealed), ClusterCredentials.class);
            return new Built(version, build(id, name, kind, s, credentials));
        }).target();
    }

    /** Drops a removed cluster's target (its clients close). */
    public void forget(UUID id) {
        Built previous = built.remove(id);
        if (previous != null) {
            previous.target().close();
        }
    }

    private DeployTarget build(UUID id, String name, String kind, ClusterSettings s, ClusterCredentials credentials) {
        DeployConfig.Clusters c = config.clusters();
        KubernetesManifests.Exposure defaults = defaultExposure();
        KubernetesManifests.Exposure exposure = new KubernetesManifests.Exposure(Optional.ofNullable(s.domain()).orElse(defaults.domain()),
                Optional.ofNullable(s.ingressClass()).orElse(defaults.ingressClass()), Optional.ofNullable(s.tlsIssuer()),
                defaults.progressDeadlineSeconds());
        // by id: a cluster removed and registered again under its name does not reuse the old clone
        Path work = Path.of(c.stateDir(), "gitops-work", id.toString());
        String repository = Optional.ofNullable(s.repository()).orElse(Path.of(c.stateDir(), "gitops.git").toAbsolutePath().toString());
        String branch = Optional.ofNullable(s.branch()).orElse("main");
        String path = Optional.ofNullable(s.path()).orElse(name);
        return switch (kind) {
            case "kubernetes" -> kubernetes(name, Boolean.TRUE.equals(s.inCluster()) ? null : credentials.kubeconfig(), exposure);
            case "gitops" -> new GitOpsTarget(name, repository, Optional.ofNullable(credentials.token()), branch, path, work, exposure);
            case "argocd" -> new ArgoCdTarget(name, new ArgoCdTarget.GitOpsSettings(repository, Optional.ofNullable(credentials.gitToken()), branch,
                    path, work, exposure), api(s.url(), credentials.token()), Optional.ofNullable(s.destinationServer())
                    .orElse("https://kubernetes.default.svc"), Optional.ofNullable(s.argocdProject()).orElse("default"), c.progressDeadline(),
                    c.pollEvery());
            case "rancher" -> new RancherTarget(name, api(s.url(), credentials.token()), s.rancherClusterId(), exposure,
                    kubeconfig -> kubernetes(name, kubeconfig, exposure));
            default -> throw new IllegalStateException("cluster '" + name + "' has an unknown kind '" + kind + "'");
        };
    }

    /** How a cluster that says nothing of its own exposes public ports (also what {@code local} deployments' manifests show). */
    public KubernetesManifests.Exposure defaultExposure() {
        return new KubernetesManifests.Exposure(config.clusters().domain(), "traefik", Optional.empty(),
                (int) config.clusters().progressDeadline().toSeconds());
    }

    /** A Kubernetes target from a kubeconfig, or from the pod's own service account when null (in-cluster). */
    private KubernetesTarget kubernetes(String name, String kubeconfig, KubernetesManifests.Exposure exposure) {
        // in-cluster: the pod's service account only, not a kubeconfig file the process may find
        Config k8s = kubeconfig == null ? new ConfigBuilder(Config.empty()).withMasterUrl("https://kubernetes.default.svc")
                .withAutoConfigure(false).build() : Kubeconfigs.load(kubeconfig);
        if (kubeconfig == null) {
            inClusterAccount(k8s);
        }
        int timeout = (int) config.clusters().callTimeout().toMillis();
        k8s.setConnectionTimeout(timeout);
        k8s.setRequestTimeout(timeout);
        k8s.setRequestRetryBackoffLimit(0); // the target's own guard retries, with a circuit breaker
        return new KubernetesTarget(name, new KubernetesClientBuilder().withConfig(k8s)
                .withHttpClientFactory(new io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory(vertx)).build(), exposure,
                config.clusters().serverSideApply(),
                config.clusters().pollEvery());
    }

    /** The service account Kubernetes mounts into every pod that has one. */
    private static void inClusterAccount(Config k8s) {
        Path account = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
        try {
            java.nio.file.Files.readString(account.resolve("token"));
            // read at each use: Kubernetes rotates bound service-account tokens
            k8s.setOauthTokenProvider(() -> {
                try {
                    return java.nio.file.Files.readString(account.resolve("token")).trim();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            k8s.setCaCertFile(account.resolve("ca.crt").toString());
            k8s.setNamespace(java.nio.file.Files.readString(account.resolve("namespace")).trim());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("in_cluster access needs deploy-service to run in a pod with a service account (" + account
                    + " is not readable)");
        }
    }

    private JsonApi api(String url, String token) {
        return new JsonApi(url, token, mapper, config.clusters().callTimeout());
    }
}

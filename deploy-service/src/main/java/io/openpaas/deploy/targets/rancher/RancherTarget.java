package io.openpaas.deploy.targets.rancher;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.JsonApi;
import io.openpaas.deploy.targets.OutboundGuard;
import io.openpaas.deploy.targets.Replica;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.kubernetes.KubernetesTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A cluster Rancher manages (docs/clusters.md): its kubeconfig comes from Rancher's
 * {@code generateKubeconfig} action, then everything runs as on {@code kubernetes}. The kubeconfig
 * is kept in memory only, and fetched again when the cluster stops accepting it.
 */
public final class RancherTarget implements DeployTarget {

    /** A cluster as Rancher lists it. */
    public record RancherCluster(String id, String name, String state) {
    }

    private final String cluster;
    private final JsonApi rancher;
    private final String rancherClusterId;
    private final Function<String, KubernetesTarget> fromKubeconfig;
    private final OutboundGuard guard;
    private final io.openpaas.deploy.targets.kubernetes.KubernetesManifests.Exposure exposure;
    private KubernetesTarget kubernetes;

    public RancherTarget(String cluster, JsonApi rancher, String rancherClusterId, io.openpaas.deploy.targets.kubernetes.KubernetesManifests.Exposure exposure,
            Function<String, KubernetesTarget> fromKubeconfig) {
        this.exposure = exposure;
        this.cluster = cluster;
        this.rancher = rancher;
        this.rancherClusterId = rancherClusterId;
        this.fromKubeconfig = fromKubeconfig;
        this.guard = OutboundGuard.forEndpoint("Rancher of cluster '" + cluster + "' (" + rancher.base() + ")");
    }

    @Override
    public String name() {
        return "rancher:" + cluster;
    }

    /** The clusters this Rancher knows, registered here or not. */
    public List<RancherCluster> knownClusters() throws DeployFailure, InterruptedException {
        JsonNode page = guard.idempotent("listing Rancher's clusters", () -> rancher.get("/v3/clusters"));
        List<RancherCluster> out = new ArrayList<>();
        page.path("data").forEach(c -> out.add(new RancherCluster(c.path("id").asText(), c.path("name").asText(), c.path("state").asText())));
        return out;
    }

    @Override
    public String probe() throws DeployFailure, InterruptedException {
        JsonNode c = guard.once("reading the cluster in Rancher", () -> rancher.get("/v3/clusters/" + rancherClusterId));
        return "Rancher cluster " + c.path("name").asText(rancherClusterId) + " (" + c.path("state").asText("state unknown") + ")";
    }

    /** The cluster's Kubernetes target, from a kubeconfig Rancher generates on first use. */
    synchronized KubernetesTarget kubernetes() throws DeployFailure, InterruptedException {
        if (kubernetes == null) {
            JsonNode answer = guard.idempotent("generating a kubeconfig in Rancher",
                    () -> rancher.post("/v3/clusters/" + rancherClusterId + "?action=generateKubeconfig", null));
            String config = answer.path("config").asText("");
            if (config.isBlank()) {
                throw new DeployFailure("Rancher answered generateKubeconfig for cluster " + rancherClusterId + " without a kubeconfig");
            }
            kubernetes = fromKubeconfig.apply(config);
        }
        return kubernetes;
    }

    /** A kubeconfig Rancher revoked or rotated: the next call asks for a new one. */
    private synchronized void forget() {
        if (kubernetes != null) {
            kubernetes.close();
            kubernetes = null;
        }
    }

    @Override
    public void apply(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException {
        try {
            kubernetes().apply(spec, progress);
        } catch (DeployFailure e) {
            if (e.getMessage().contains("(401)") || e.getMessage().contains("(403)")) {
                forget();
            }
            throw e;
        }
    }

    @Override
    public String manifests(WorkloadSpec spec) {
        return io.openpaas.deploy.targets.kubernetes.KubernetesManifests.yaml(io.openpaas.deploy.targets.kubernetes.KubernetesManifests.render(spec,
                exposure));
    }

    @Override
    public List<Replica> observe(UUID serviceId) {
        return withCluster(k -> k.observe(serviceId));
    }

    @Override
    public List<Replica> observeAll() {
        return withCluster(KubernetesTarget::observeAll);
    }

    @Override
    public void restart(String replicaId) {
        withCluster(k -> {
            k.restart(replicaId);
            return null;
        });
    }

    @Override
    public void reconcile(Set<UUID> serving, Set<UUID> inFlight, RolloutProgress progress) {
    }

    @Override
    public void logs(UUID serviceId, int tail, Instant since, boolean follow, Consumer<String> line, CountDownLatch stop) throws InterruptedException {
        try {
            kubernetes().logs(serviceId, tail, since, follow, line, stop);
        } catch (DeployFailure e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    @Override
    public void remove(UUID serviceId) throws InterruptedException {
        try {
            kubernetes().remove(serviceId);
        } catch (DeployFailure e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    @Override
    public void close() {
        forget();
    }

    private <T> T withCluster(Function<KubernetesTarget, T> call) {
        try {
            return call.apply(kubernetes());
        } catch (DeployFailure e) {
            throw new IllegalStateException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}

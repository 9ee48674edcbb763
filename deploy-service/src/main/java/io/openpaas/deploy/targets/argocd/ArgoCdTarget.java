package io.openpaas.deploy.targets.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.JsonApi;
import io.openpaas.deploy.targets.OutboundGuard;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.gitops.GitOpsTarget;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deploys through ArgoCD (docs/clusters.md): the manifests are committed to the GitOps repository
 * ArgoCD reads, then an Application per service (pointing at the service's folder) is upserted
 * and synced to that commit, and its status is followed until it is Synced at that revision and
 * Healthy (AVAILABLE) or Degraded, failed to sync, or past the progress deadline (FAILED).
 */
public final class ArgoCdTarget extends GitOpsTarget {

    private final String cluster;
    private final JsonApi argo;
    private final String destinationServer;
    private final String project;
    private final Duration deadline;
    private final Duration pollEvery;
    private final OutboundGuard guard;

    public ArgoCdTarget(String cluster, GitOpsSettings git, JsonApi argo, String destinationServer, String project, Duration deadline,
            Duration pollEvery) {
        super(cluster, git.repository(), git.token(), git.branch(), git.path(), git.workTree(), git.exposure());
        this.cluster = cluster;
        this.argo = argo;
        this.destinationServer = destinationServer;
        this.project = project;
        this.deadline = deadline;
        this.pollEvery = pollEvery;
        this.guard = OutboundGuard.forEndpoint("ArgoCD of cluster '" + cluster + "' (" + argo.base() + ")");
    }

    /** Where the commits go. */
    public record GitOpsSettings(String repository, java.util.Optional<String> token, String branch, String path, java.nio.file.Path workTree,
            KubernetesManifests.Exposure exposure) {
    }

    @Override
    public String name() {
        return "argocd:" + cluster;
    }

    /** The Application's name: one per service, stable across renames. */
    public static String application(UUID serviceId) {
        return "openpaas-" + serviceId;
    }

    @Override
    public String probe() throws DeployFailure, InterruptedException {
        return guard.once("reading ArgoCD's version", () -> "ArgoCD " + argo.get("/api/version").path("Version").asText("(version unknown)"));
    }

    @Override
    public void apply(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException {
        progress.progressing();
        progress.beforeTrafficMoves();
        String revision = commit(spec);
        progress.log("committed " + folder(spec) + " as " + revision.substring(0, 12));
        String name = application(spec.serviceId());
        guard.idempotent("upserting Application " + name, () -> argo.post("/api/v1/applications?upsert=true&validate=false", application(spec)));
        guard.once("syncing Application " + name, () -> argo.post("/api/v1/applications/" + name + "/sync",
                Map.of("revision", revision, "prune", true)));
        progress.log("ArgoCD syncs " + name + " to " + revision.substring(0, 12));
        follow(name, revision, progress);
        progress.trafficMoved();
    }

    private Map<String, Object> application(WorkloadSpec spec) {
        return Map.of("apiVersion", "argoproj.io/v1alpha1", "kind", "Application",
                "metadata", Map.of("name", application(spec.serviceId()), "labels", Map.of("app.kubernetes.io/managed-by", KubernetesManifests.MANAGED_BY,
                        KubernetesManifests.SERVICE, spec.serviceId().toString(), KubernetesManifests.PROJECT, spec.projectId().toString())),
                "spec", Map.of("project", project,
                        "source", Map.of("repoURL", repository(), "targetRevision", branch(), "path", folder(spec)),
                        "destination", Map.of("server", destinationServer, "namespace", KubernetesManifests.namespace(spec)),
                        "syncPolicy", Map.of("syncOptions", List.of("CreateNamespace=true", "ServerSideApply=true"))));
    }

    private void follow(String name, String revision, RolloutProgress progress) throws DeployFailure, InterruptedException {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        String last = "";
        while (true) {
            JsonNode status = guard.idempotent("reading Application " + name, () -> argo.get("/api/v1/applications/" + name)).path("status");
            String sync = status.path("sync").path("status").asText("Unknown");
            String health = status.path("health").path("status").asText("Unknown");
            boolean atRevision = revision.equals(status.path("sync").path("revision").asText());
            // the outcome of this sync, not of an earlier one still on record
            boolean ourSync = revision.equals(status.path("operationState").path("operation").path("sync").path("revision").asText())
                    || revision.equals(status.path("operationState").path("syncResult").path("revision").asText());
            String phase = ourSync ? status.path("operationState").path("phase").asText("") : "";
            String now = sync + (atRevision ? " at " + revision.substring(0, 12) : "") + ", " + health;
            if (!now.equals(last)) {
                progress.log("ArgoCD: " + now);
                last = now;
            }
            if (phase.equals("Failed") || phase.equals("Error")) {
                throw new DeployFailure("ArgoCD could not sync " + name + ": " + status.path("operationState").path("message").asText(phase));
            }
            if ("Synced".equals(sync) && atRevision) {
                if ("Healthy".equals(health)) {
                    return;
                }
                if ("Degraded".equals(health)) {
                    throw new DeployFailure("ArgoCD reports " + name + " Degraded: " + status.path("health").path("message").asText("see ArgoCD"));
                }
            }
            if (System.nanoTime() > giveUpAt) {
                throw new DeployFailure("ArgoCD did not report " + name + " Synced and Healthy within " + deadline.toSeconds() + " s (" + now + ")");
            }
            Thread.sleep(pollEvery.toMillis());
        }
    }

    /** The Application goes with its resources (ArgoCD's cascade), then the manifests leave the repository. */
    @Override
    public void remove(UUID serviceId) throws InterruptedException {
        try {
            guard.idempotent("deleting Application", () -> {
                try {
                    return argo.delete("/api/v1/applications/" + application(serviceId) + "?cascade=true");
                } catch (OutboundGuard.Refused e) {
                    if (e.getMessage().contains(" 404")) {
                        return null;
                    }
                    throw e;
                }
            });
        } catch (DeployFailure e) {
            throw new IllegalStateException("could not remove service " + serviceId + " from ArgoCD: " + e.getMessage());
        }
        super.remove(serviceId);
    }
}

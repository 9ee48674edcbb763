package io.openpaas.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.OutboundGuard;
import io.openpaas.deploy.targets.Replica;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs services on a Kubernetes cluster (docs/clusters.md): the renderer's objects applied with
 * server-side apply under the platform's own field manager (a field another manager owns is a
 * reported conflict, never forced), then the Deployment's rollout followed until every replica
 * is updated and available, or until its progress deadline passes. Traffic moves pod by pod as
 * new ones turn ready, so the rollout can only be abandoned before the apply.
 */
public final class KubernetesTarget implements DeployTarget {

    private static final Logger LOG = Logger.getLogger(KubernetesTarget.class);
    public static final String FIELD_MANAGER = "openpaas";
    /** The kinds the renderer may stop rendering (bounds made equal, one replica, no public port): removed when it does. */
    private static final List<Class<? extends HasMetadata>> OPTIONAL = List.of(HorizontalPodAutoscaler.class, PodDisruptionBudget.class,
            Ingress.class, io.fabric8.kubernetes.api.model.Service.class);

    private final String cluster;
    private final KubernetesClient client;
    private final KubernetesManifests.Exposure exposure;
    private final boolean serverSideApply;
    private final Duration pollEvery;
    private final OutboundGuard guard;

    /**
     * {@code serverSideApply} false applies by create-or-update instead: only for API servers
     * without server-side apply (the fabric8 test server); a real cluster always has it.
     */
    public KubernetesTarget(String cluster, KubernetesClient client, KubernetesManifests.Exposure exposure, boolean serverSideApply,
            Duration pollEvery) {
        this.cluster = cluster;
        this.client = client;
        this.exposure = exposure;
        this.serverSideApply = serverSideApply;
        this.pollEvery = pollEvery;
        this.guard = OutboundGuard.forEndpoint("cluster '" + cluster + "' (" + client.getMasterUrl() + ")");
    }

    @Override
    public String name() {
        return "kubernetes:" + cluster;
    }

    @Override
    public String probe() throws DeployFailure, InterruptedException {
        // once: a check answers within the call timeout
        return guard.once("reading the cluster's version", () -> {
            try {
                return "Kubernetes " + client.getKubernetesVersion().getGitVersion();
            } catch (KubernetesClientException e) {
                throw refusedOrFailed("reading the cluster's version", e);
            }
        });
    }

    @Override
    public void apply(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException {
        List<HasMetadata> objects = KubernetesManifests.render(spec, exposure);
        String namespace = KubernetesManifests.namespace(spec);
        call("creating namespace " + namespace, () -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(namespace).addToLabels("app.kubernetes.io/managed-by", KubernetesManifests.MANAGED_BY).endMetadata().build())
                .createOr(NonDeletingOperation::update));
        progress.progressing();
        progress.beforeTrafficMoves(); // new pods take traffic as soon as they are ready: no abandoning after this
        for (HasMetadata object : objects) {
            apply(object);
            progress.log("applied " + object.getKind() + " " + namespace + "/" + object.getMetadata().getName());
        }
        removeNoLongerRendered(spec, objects);
        follow(spec, progress);
        // only once the new pods run: old pods restarted during a failed rollout still find their groups' Secrets
        removeUnlinkedSecrets(spec, objects);
        progress.trafficMoved();
    }

    private void apply(HasMetadata object) throws DeployFailure, InterruptedException {
        call("applying " + object.getKind() + " " + object.getMetadata().getName(), () -> serverSideApply
                ? client.resource(object).fieldManager(FIELD_MANAGER).serverSideApply()
                : client.resource(object).createOr(NonDeletingOperation::update));
    }

    /** A call to the API server through the guard: retried when it may be, a 4xx reported as the cluster's answer. */
    private <T> T call(String what, java.util.concurrent.Callable<T> call) throws DeployFailure, InterruptedException {
        return guard.idempotent(what, () -> {
            try {
                return call.call();
            } catch (KubernetesClientException e) {
                throw refusedOrFailed(what, e);
            }
        });
    }

    /** A 4xx is the cluster's answer to this request (a conflict, a forbidden verb, an invalid object): not retried. */
    private static Exception refusedOrFailed(String what, KubernetesClientException e) {
        if (e.getCode() == 409) {
            return new OutboundGuard.Refused("conflict: a field is owned by another manager (" + e.getStatus().getMessage()
                    + "); the platform does not force it, change or release that field first");
        }
        if (e.getCode() >= 400 && e.getCode() < 500) {
            return new OutboundGuard.Refused("the cluster refused it (" + e.getCode() + "): "
                    + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()));
        }
        return e;
    }

    private void removeNoLongerRendered(WorkloadSpec spec, List<HasMetadata> rendered) throws DeployFailure, InterruptedException {
        String namespace = KubernetesManifests.namespace(spec);
        for (Class<? extends HasMetadata> kind : OPTIONAL) {
            if (rendered.stream().noneMatch(kind::isInstance)) {
                call("removing " + kind.getSimpleName() + " " + spec.serviceSlug(),
                        () -> client.resources(kind).inNamespace(namespace).withName(spec.serviceSlug()).delete());
            }
        }
    }

    /** The Secrets of groups no longer linked go: their values must not outlive the link. */
    private void removeUnlinkedSecrets(WorkloadSpec spec, List<HasMetadata> rendered) throws DeployFailure, InterruptedException {
        String namespace = KubernetesManifests.namespace(spec);
        java.util.Set<String> kept = new java.util.HashSet<>();
        rendered.stream().filter(io.fabric8.kubernetes.api.model.Secret.class::isInstance).forEach(o -> kept.add(o.getMetadata().getName()));
        for (HasMetadata old : call("listing the service's Secrets", () -> client.secrets().inNamespace(namespace)
                .withLabel(KubernetesManifests.SERVICE, spec.serviceId().toString()).list().getItems())) {
            if (!kept.contains(old.getMetadata().getName())) {
                call("removing Secret " + old.getMetadata().getName(), () -> client.resource(old).delete());
            }
        }
    }

    /**
     * Until the Deployment's controller has seen this generation and every replica is updated and
     * available with no old one left; fails when the controller reports that the progress
     * deadline passed (or, should no controller answer, a little after it), naming what the pods
     * wait for.
     */
    private void follow(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException {
        String namespace = KubernetesManifests.namespace(spec);
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(exposure.progressDeadlineSeconds()).plusSeconds(30).toNanos();
        String last = "";
        while (true) {
            Deployment d;
            try {
                d = call("reading the rollout", () -> client.apps().deployments().inNamespace(namespace).withName(spec.serviceSlug()).get());
            } catch (OutboundGuard.RefusedFailure refused) {
                throw refused;
            } catch (DeployFailure unanswered) {
                // the API server may be away for a while (an upgrade): the deadline decides, not one missed read
                if (System.nanoTime() > giveUpAt) {
                    throw unanswered;
                }
                progress.log("the cluster did not answer (" + unanswered.getMessage() + "); asking again");
                Thread.sleep(pollEvery.toMillis());
                continue;
            }
            if (d == null) {
                throw new DeployFailure("the Deployment " + namespace + "/" + spec.serviceSlug() + " disappeared during the rollout");
            }
            var status = d.getStatus();
            Long generation = d.getMetadata().getGeneration();
            boolean seen = status != null && (generation == null || (status.getObservedGeneration() != null
                    && status.getObservedGeneration() >= generation));
            if (seen) {
                // what the Deployment asks for now: an autoscaler may have changed it
                int wanted = d.getSpec() != null && d.getSpec().getReplicas() != null ? d.getSpec().getReplicas() : spec.replicas();
                int updated = orZero(status.getUpdatedReplicas());
                int available = orZero(status.getAvailableReplicas());
                int total = orZero(status.getReplicas());
                String now = updated + "/" + wanted + " updated, " + available + " available";
                if (!now.equals(last)) {
                    progress.log(now);
                    last = now;
                }
                if (updated >= wanted && available >= wanted && total <= wanted) {
                    return;
                }
                for (DeploymentCondition c : status.getConditions() == null ? List.<DeploymentCondition>of() : status.getConditions()) {
                    if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                        throw new DeployFailure("the rollout made no progress within " + exposure.progressDeadlineSeconds() + " s"
                                + waitingFor(spec));
                    }
                }
            }
            if (System.nanoTime() > giveUpAt) {
                throw new DeployFailure("the cluster did not report the rollout done within " + exposure.progressDeadlineSeconds()
                        + " s" + waitingFor(spec));
            }
            Thread.sleep(pollEvery.toMillis());
        }
    }

    /** What the service's pods wait for (ImagePullBackOff, CrashLoopBackOff, Unschedulable…), for the failure's reason. */
    private String waitingFor(WorkloadSpec spec) {
        try {
            List<String> reasons = new ArrayList<>();
            for (Pod pod : pods(spec.serviceId())) {
                for (ContainerStatus c : pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.<ContainerStatus>of()
                        : pod.getStatus().getContainerStatuses()) {
                    if (c.getState() != null && c.getState().getWaiting() != null) {
                        reasons.add(pod.getMetadata().getName() + ": " + c.getState().getWaiting().getReason());
                    }
                }
            }
            return reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private List<Pod> pods(UUID serviceId) {
        return client.pods().inAnyNamespace().withLabel(KubernetesManifests.SERVICE, serviceId.toString()).list().getItems();
    }

    @Override
    public List<Replica> observe(UUID serviceId) {
        return replicas(pods(serviceId));
    }

    @Override
    public List<Replica> observeAll() {
        return replicas(client.pods().inAnyNamespace().withLabel("app.kubernetes.io/managed-by", KubernetesManifests.MANAGED_BY).list().getItems());
    }

    /** Pods carry the service, not the deployment (a scale must not replace them): they belong to what their Deployment serves now. */
    private List<Replica> replicas(List<Pod> pods) {
        List<Replica> out = new ArrayList<>();
        Map<String, String> servingByService = new java.util.HashMap<>();
        for (Pod pod : pods) {
            String service = pod.getMetadata().getLabels().get(KubernetesManifests.SERVICE);
            String deployment = servingByService.computeIfAbsent(service + "/" + pod.getMetadata().getNamespace(), key -> {
                Deployment d = client.apps().deployments().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getLabels().get("app.kubernetes.io/name")).get();
                return d == null ? null : d.getMetadata().getLabels().get(KubernetesManifests.DEPLOYMENT);
            });
            ContainerStatus c = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                    || pod.getStatus().getContainerStatuses().isEmpty() ? null : pod.getStatus().getContainerStatuses().get(0);
            boolean ready = c != null && Boolean.TRUE.equals(c.getReady());
            Long exit = c == null || c.getLastState() == null || c.getLastState().getTerminated() == null ? null
                    : c.getLastState().getTerminated().getExitCode().longValue();
            String state = c == null ? "pending" : c.getState().getRunning() != null ? "running"
                    : c.getState().getWaiting() != null ? c.getState().getWaiting().getReason() : "exited";
            out.add(new Replica(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod.getMetadata().getName(),
                    UUID.fromString(service), deployment == null ? null : UUID.fromString(deployment), state, ready, exit,
                    c == null ? 0 : orZero(c.getRestartCount())));
        }
        return out;
    }

    /** The kubelet restarts containers itself; a pod asked to restart is deleted and its ReplicaSet makes a new one. */
    @Override
    public void restart(String replicaId) {
        String[] ref = replicaId.split("/", 2);
        client.pods().inNamespace(ref[0]).withName(ref[1]).delete();
    }

    /** The cluster keeps what was applied: nothing to bring back after deploy-service restarts. */
    @Override
    public void reconcile(Set<UUID> serving, Set<UUID> inFlight, RolloutProgress progress) {
    }

    @Override
    public void logs(UUID serviceId, int tail, Instant since, boolean follow, Consumer<String> line, CountDownLatch stop) throws InterruptedException {
        List<LogWatch> watches = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            for (Pod pod : pods(serviceId)) {
                var logs = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
                String prefix = pod.getMetadata().getName() + " | ";
                var selected = since != null ? logs.sinceTime(since.toString()) : logs.tailingLines(tail);
                if (!follow) {
                    String text = selected.getLog();
                    if (text != null && !text.isEmpty()) {
                        text.lines().forEach(l -> line.accept(prefix + l));
                    }
                    continue;
                }
                LogWatch watch = selected.watchLog();
                watches.add(watch);
                Thread reader = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
                        for (String l; (l = in.readLine()) != null; ) {
                            line.accept(prefix + l);
                        }
                    } catch (java.io.IOException e) {
                        LOG.debugf("log stream of %s ended: %s", prefix, e.toString());
                    }
                }, "k8s-logs");
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
            if (follow) {
                stop.await();
            }
        } finally {
            watches.forEach(LogWatch::close);
            readers.forEach(Thread::interrupt);
        }
    }

    @Override
    public void remove(UUID serviceId) throws InterruptedException {
        try {
            String label = serviceId.toString();
            List<Class<? extends HasMetadata>> kinds = new ArrayList<>(OPTIONAL);
            kinds.add(0, Deployment.class);
            kinds.add(io.fabric8.kubernetes.api.model.Secret.class);
            for (Class<? extends HasMetadata> kind : kinds) {
                for (HasMetadata object : call("listing " + kind.getSimpleName(),
                        () -> client.resources(kind).inAnyNamespace().withLabel(KubernetesManifests.SERVICE, label).list().getItems())) {
                    call("removing " + object.getKind(), () -> client.resource(object).delete());
                }
            }
        } catch (DeployFailure e) {
            throw new IllegalStateException("could not remove service " + serviceId + " from cluster '" + cluster + "': " + e.getMessage());
        }
    }

    @Override
    public String manifests(WorkloadSpec spec) {
        return KubernetesManifests.yaml(KubernetesManifests.render(spec, exposure));
    }

    @Override
    public void close() {
        client.close();
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}

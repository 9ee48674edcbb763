package io.openpaas.build.execution.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.config.BuildConfig;
import io.openpaas.build.config.KubernetesBuildConfig;
import io.openpaas.build.credentials.GitCredential;
import io.openpaas.build.execution.BuildExecutor;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildJob;
import io.openpaas.build.execution.BuildResult;
import io.openpaas.build.execution.BuildRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds in a cluster (docs/builds.md): one Job per build ({@link BuildJobManifest}), followed by
 * polling the Job and its pod: the clone container's end gives the commit (CLONING → BUILDING),
 * the Job's success the digest BuildKit pushed (PUSHING → SUCCEEDED), its failure the reason.
 * Logs are copied from the pod as they grow. Cancel and timeout delete the Job with its pod.
 */
@ApplicationScoped
@Typed(KubernetesExecutor.class)
public class KubernetesExecutor implements BuildExecutor {

    private final Instance<KubernetesClient> clients;
    private final KubernetesBuildConfig config;
    private final BuildConfig builds;

    public KubernetesExecutor(Instance<KubernetesClient> clients, KubernetesBuildConfig config, BuildConfig builds) {
        this.clients = clients;
        this.config = config;
        this.builds = builds;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public BuildResult build(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException {
        if (!job.secrets().isEmpty()) {
            throw new BuildFailure("build secrets " + job.secrets() + " are given to builds by the local executor only; the kubernetes executor does not take them");
        }
        if (job.credential() != null && GitCredential.SSH_KEY.equals(job.credential().kind())) {
            throw new BuildFailure("the kubernetes executor clones over HTTPS: give the service a token credential instead of an SSH key");
        }
        KubernetesClient client = clients.get();
        String namespace = config.namespace();
        String name = BuildJobManifest.name(job);
        Job created;
        try {
            created = client.batch().v1().jobs().inNamespace(namespace)
                    .resource(BuildJobManifest.job(job, config, Math.max(60, builds.timeout().toSeconds()))).create();
            if (job.credential() != null) {
                client.secrets().inNamespace(namespace).resource(BuildJobManifest.credentialSecret(job, created, namespace)).create();
            }
        } catch (KubernetesClientException e) {
            throw new BuildFailure("the cluster refused the build Job: " + describe(e));
        }
        run.log("[openpaas] Job " + namespace + "/" + name + " created (" + config.builderImage() + ")");
        LogCopier logs = new LogCopier(run);
        boolean cloned = false;
        try {
            while (true) {
                if (run.stopped()) {
                    delete(client, namespace, name, run);
                    return null;
                }
                Job current = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
                if (current == null) {
                    throw new BuildFailure("the build Job " + namespace + "/" + name + " was deleted from the cluster");
                }
                Optional<Pod> pod = pod(client, namespace, job);
                pod.ifPresent(p -> logs.copy(client, namespace, p));
                Optional<ContainerStatus> clone = pod.flatMap(p -> status(p.getStatus() == null ? null : p.getStatus().getInitContainerStatuses(),
                        BuildJobManifest.CLONE));
                if (!cloned && clone.isPresent() && terminated(clone.get())) {
                    if (exitCode(clone.get()) != 0) {
                        throw new BuildFailure("cloning " + job.repository() + " failed: " + message(clone.get()));
                    }
                    String sha = message(clone.get()).strip();
                    if (sha.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
                        run.resolved(sha);
                    }
                    cloned = true;
                    if (!run.enter(BuildState.BUILDING)) {
                        continue;
                    }
                }
                var status = current.getStatus();
                if (status != null && status.getSucceeded() != null && status.getSucceeded() > 0) {
                    String digest = pod.flatMap(p -> status(p.getStatus().getContainerStatuses(), BuildJobManifest.BUILD))
                            .map(KubernetesExecutor::message).map(String::strip).orElse("");
                    if (!digest.matches("sha256:[0-9a-f]{64}")) {
                        throw new BuildFailure("the build Job succeeded but reported no image digest");
                    }
                    // BuildKit builds and pushes in one step: the push is over when the Job is
                    if (!cloned) {
                        pod.flatMap(p -> status(p.getStatus().getInitContainerStatuses(), BuildJobManifest.CLONE))
                                .map(s -> message(s).strip()).filter(s -> s.matches("[0-9a-f]{40}")).ifPresent(run::resolved);
                        run.enter(BuildState.BUILDING);
                    }
                    if (!run.enter(BuildState.PUSHING)) {
                        continue;
                    }
                    String sha = pod.flatMap(p -> status(p.getStatus().getInitContainerStatuses(), BuildJobManifest.CLONE))
                            .map(s -> message(s).strip()).orElse(null);
                    return new BuildResult(sha, job.imageRepository() + "@" + digest);
                }
                if (status != null && status.getFailed() != null && status.getFailed() > 0) {
                    throw new BuildFailure(failureReason(current, pod));
                }
                Thread.sleep(config.pollInterval().toMillis());
            }
        } catch (KubernetesClientException e) {
            throw new BuildFailure("lost the cluster while following the build Job: " + describe(e));
        }
    }

    private static void delete(KubernetesClient client, String namespace, String name, BuildRun run) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
            run.log("[openpaas] Job " + namespace + "/" + name + " deleted");
        } catch (KubernetesClientException e) {
            run.log("[openpaas] could not delete Job " + namespace + "/" + name + ": " + describe(e));
        }
    }

    private static Optional<Pod> pod(KubernetesClient client, String namespace, BuildJob job) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabels(Map.of("openpaas.io/build", job.buildId().toString())).list().getItems();
        return pods.stream().findFirst();
    }

    private static Optional<ContainerStatus> status(List<ContainerStatus> statuses, String container) {
        return statuses == null ? Optional.empty() : statuses.stream().filter(s -> container.equals(s.getName())).findFirst();
    }

    private static boolean terminated(ContainerStatus status) {
        return status.getState() != null && status.getState().getTerminated() != null;
    }

    private static int exitCode(ContainerStatus status) {
        Integer code = status.getState().getTerminated().getExitCode();
        return code == null ? -1 : code;
    }

    private static String message(ContainerStatus status) {
        if (!terminated(status)) {
            return "";
        }
        var terminated = status.getState().getTerminated();
        String message = terminated.getMessage() != null ? terminated.getMessage() : terminated.getReason();
        return message == null ? "" : message;
    }

    private static String failureReason(Job job, Optional<Pod> pod) {
        var conditions = job.getStatus().getConditions();
        if (conditions != null) {
            for (var condition : conditions) {
                if ("DeadlineExceeded".equals(condition.getReason())) {
                    return "the build Job ran past its deadline in the cluster";
                }
            }
        }
        Optional<ContainerStatus> build = pod.flatMap(p -> status(p.getStatus() == null ? null : p.getStatus().getContainerStatuses(),
                BuildJobManifest.BUILD)).filter(KubernetesExecutor::terminated);
        if (build.isPresent()) {
            return "the build failed in the cluster (exit " + exitCode(build.get()) + "): " + message(build.get());
        }
        return "the build Job failed in the cluster" + (conditions == null || conditions.isEmpty() ? ""
                : ": " + conditions.get(conditions.size() - 1).getMessage());
    }

    private static String describe(KubernetesClientException e) {
        return e.getCode() > 0 ? e.getCode() + " " + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()) : e.getMessage();
    }

    /** Copies the pod's new log lines into the build's log at each look (a cluster without logs copies none). */
    private static final class LogCopier {
        private final BuildRun run;
        private final Map<String, Integer> seen = new java.util.HashMap<>();

        LogCopier(BuildRun run) {
            this.run = run;
        }

        void copy(KubernetesClient client, String namespace, Pod pod) {
            for (String container : List.of(BuildJobManifest.CLONE, BuildJobManifest.BUILD)) {
                try {
                    String text = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).inContainer(container).getLog();
                    if (text == null) {
                        continue;
                    }
                    String[] lines = text.split("\n");
                    int from = seen.getOrDefault(container, 0);
                    for (int i = from; i < lines.length; i++) {
                        run.log("[" + container + "] " + lines[i]);
                    }
                    seen.put(container, Math.max(from, lines.length));
                } catch (KubernetesClientException e) {
                    // not started yet, or a cluster that serves no logs: try again at the next look
                }
            }
        }
    }
}

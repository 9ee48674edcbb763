package io.openpaas.build.execution.kubernetes;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.openpaas.build.config.KubernetesBuildConfig;
import io.openpaas.build.credentials.GitCredential;
import io.openpaas.build.execution.BuildJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job that builds one build in a cluster: an init container clones the repository at the
 * requested revision (writing the commit's SHA as its termination message), then BuildKit
 * rootless builds the Dockerfile and pushes the image, writing the pushed digest as its own
 * termination message; no privileges, no service account token.
 */
final class BuildJobManifest {

    static final String CLONE = "clone";
    static final String BUILD = "build";

    private static final String CLONE_SCRIPT = """
            set -eu
            if [ -n "${GIT_TOKEN:-}" ]; then
              AUTH="$(printf '%s:%s' "${GIT_USER:-x-access-token}" "$GIT_TOKEN" | base64 | tr -d '\\n')"
              set -- -c "http.extraHeader=Authorization: Basic $AUTH"
            fi
            git "$@" clone --quiet --no-checkout "$REPOSITORY" /workspace/src
            cd /workspace/src
            if [ -n "${COMMIT:-}" ]; then git checkout --quiet --detach "$COMMIT"; else git checkout --quiet "$BRANCH"; fi
            git rev-parse HEAD | tee /dev/termination-log
            """;

    private static final String BUILD_SCRIPT = """
            set -eu
            buildctl-daemonless.sh "$@"
            sed -n 's/.*"containerimage.digest": *"\\([^"]*\\)".*/\\1/p' /workspace/metadata.json | tee /dev/termination-log
            """;

    private BuildJobManifest() {
    }

    static String name(BuildJob job) {
        return "build-" + job.buildId();
    }

    static Map<String, String> labels(BuildJob job) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "openpaas");
        labels.put("openpaas.io/build", job.buildId().toString());
        labels.put("openpaas.io/project", job.projectId().toString());
        labels.put("openpaas.io/service", job.serviceId().toString());
        return labels;
    }

    static Job job(BuildJob job, KubernetesBuildConfig config, long timeoutSeconds) {
        String context = "/workspace/src/" + (job.context() == null ? "" : job.context());
        String dockerfile = job.dockerfile() == null ? (job.context() == null ? "Dockerfile" : job.context() + "/Dockerfile") : job.dockerfile();
        int slash = dockerfile.lastIndexOf('/');
        String dockerfileDir = "/workspace/src/" + (slash < 0 ? "" : dockerfile.substring(0, slash));
        String output = "type=image,name=" + job.taggedImage() + ",push=true" + (config.insecureRegistry() ? ",registry.insecure=true" : "");
        List<String> buildArgs = List.of("build", "--frontend", "dockerfile.v0", "--local", "context=" + context, "--local",
                "dockerfile=" + dockerfileDir, "--opt", "filename=" + dockerfile.substring(slash + 1), "--output", output,
                "--metadata-file", "/workspace/metadata.json");
        List<String> buildCommand = new ArrayList<>(List.of("sh", "-c", BUILD_SCRIPT, "buildctl"));
        buildCommand.addAll(buildArgs);

        List<EnvVar> cloneEnv = new ArrayList<>(List.of(env("REPOSITORY", job.repository()),
                env(job.commit() != null ? "COMMIT" : "BRANCH", job.commit() != null ? job.commit() : job.branch())));
        GitCredential credential = job.credential();
        if (credential != null && GitCredential.TOKEN.equals(credential.kind())) {
            cloneEnv.add(new EnvVarBuilder().withName("GIT_TOKEN").withNewValueFrom().withNewSecretKeyRef("token", secretName(job), false)
                    .endValueFrom().build());
            if (credential.username() != null) {
                cloneEnv.add(env("GIT_USER", credential.username()));
            }
        }
        Map<String, String> labels = labels(job);
        JobBuilder builder = new JobBuilder()
                .withNewMetadata().withName(name(job)).withNamespace(config.namespace()).withLabels(labels).endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(timeoutSeconds)
                .withTtlSecondsAfterFinished(3600)
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(1000L).withFsGroup(1000L).withRunAsNonRoot(true).endSecurityContext()
                .addNewInitContainer()
                .withName(CLONE).withImage(config.gitImage())
                .withCommand("sh", "-c", CLONE_SCRIPT)
                .withEnv(cloneEnv)
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).endSecurityContext()
                .addNewVolumeMount().withName("workspace").withMountPath("/workspace").endVolumeMount()
                .endInitContainer()
                .addNewContainer()
                .withName(BUILD).withImage(config.builderImage())
                .withCommand(buildCommand)
                .addNewEnv().withName("BUILDKITD_FLAGS").withValue("--oci-worker-no-process-sandbox").endEnv()
                .withNewSecurityContext()
                .withNewSeccompProfile().withType("Unconfined").endSeccompProfile()
                .withNewAppArmorProfile().withType("Unconfined").endAppArmorProfile()
                .withRunAsUser(1000L).withRunAsGroup(1000L)
                .endSecurityContext()
                .addNewVolumeMount().withName("workspace").withMountPath("/workspace").endVolumeMount()
                .addNewVolumeMount().withName("buildkitd").withMountPath("/home/user/.local/share/buildkit").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("buildkitd").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec();
        Job built = builder.build();
        config.registrySecret().ifPresent(secret -> {
            var pod = built.getSpec().getTemplate().getSpec();
            pod.getVolumes().add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("registry").withNewSecret()
                    .withSecretName(secret).addNewItem().withKey(".dockerconfigjson").withPath("config.json").endItem().endSecret().build());
            var build = pod.getContainers().get(0);
            build.getVolumeMounts().add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("registry")
                    .withMountPath("/home/user/.docker").withReadOnly(true).build());
            build.getEnv().add(env("DOCKER_CONFIG", "/home/user/.docker"));
        });
        return built;
    }

    /** The Git token for the clone, in a Secret the Job owns (deleted with it). */
    static Secret credentialSecret(BuildJob job, Job owner, String namespace) {
        return new SecretBuilder()
                .withNewMetadata().withName(secretName(job)).withNamespace(namespace).withLabels(labels(job))
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid()).endOwnerReference()
                .endMetadata()
                .withType("Opaque")
                .withStringData(Map.of("token", job.credential().secret()))
                .build();
    }

    static String secretName(BuildJob job) {
        return name(job) + "-git";
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}

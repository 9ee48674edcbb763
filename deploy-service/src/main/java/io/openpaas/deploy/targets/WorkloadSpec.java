package io.openpaas.deploy.targets;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a target runs for one deployment of a service, whatever the target: the image by
 * reference, how it runs, how many replicas, which ports (public ones get a stable URL) and how
 * health is checked. Every target renders this one shape (docs/deployments.md).
 */
public record WorkloadSpec(UUID projectId, String projectSlug, UUID serviceId, String serviceSlug, UUID deploymentId, String image,
        Map<String, String> env, List<String> command, List<String> args, int cpuMillicores, int memoryMb, int replicas,
        List<Port> ports, HealthCheck healthCheck, Bounds bounds, List<String> secretGroups, java.time.Instant restartedAt,
        @com.fasterxml.jackson.annotation.JsonIgnore ResolvedSecrets resolvedSecrets) {

    /** A spec as stored: the secret values are not part of it (they are fetched when a rollout starts). */
    public WorkloadSpec(UUID projectId, String projectSlug, UUID serviceId, String serviceSlug, UUID deploymentId, String image,
            Map<String, String> env, List<String> command, List<String> args, int cpuMillicores, int memoryMb, int replicas,
            List<Port> ports, HealthCheck healthCheck, Bounds bounds, List<String> secretGroups, java.time.Instant restartedAt) {
        this(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb, replicas, ports,
                healthCheck, bounds, secretGroups, restartedAt, null);
    }

    /** This spec with the values of its linked groups, for the target that applies it (never stored). */
    public WorkloadSpec withSecrets(ResolvedSecrets resolved) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                replicas, ports, healthCheck, bounds, resolved.names(), restartedAt, resolved);
    }

    /** This spec naming the groups linked to the service now (values come at the rollout). */
    public WorkloadSpec withSecretGroups(List<String> groups) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                replicas, ports, healthCheck, bounds, groups, restartedAt, resolvedSecrets);
    }

    /** The secret values fetched for this rollout; none when the spec was only read from storage. */
    public ResolvedSecrets resolved() {
        return resolvedSecrets == null ? ResolvedSecrets.NONE : resolvedSecrets;
    }

    /** The environment a replica gets: the service's env, with its secret groups' keys on top. */
    public Map<String, String> runtimeEnv() {
        if (resolved().isEmpty()) {
            return env == null ? Map.of() : env;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(env == null ? Map.of() : env);
        all.putAll(resolved().env());
        return all;
    }

    @Override
    public String toString() {
        return "WorkloadSpec[" + projectSlug + "/" + serviceSlug + " deployment " + deploymentId + " image " + image + " replicas " + replicas
                + " secrets " + resolved() + "]";
    }

    public WorkloadSpec withReplicas(int count) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                count, ports, healthCheck, bounds, secretGroups, restartedAt, resolvedSecrets);
    }

    /** This spec run again as another deployment of the service, under the service's names of today. */
    public WorkloadSpec asDeployment(UUID newDeploymentId, String newProjectSlug, String newServiceSlug) {
        return new WorkloadSpec(projectId, newProjectSlug, serviceId, newServiceSlug, newDeploymentId, image, env, command, args, cpuMillicores,
                memoryMb, replicas, ports, healthCheck, bounds, secretGroups, restartedAt, null);
    }

    /** This spec with every replica replaced (a restart): on Kubernetes, a changed pod template. */
    public WorkloadSpec restartedAt(java.time.Instant at) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                replicas, ports, healthCheck, bounds, secretGroups, at, resolvedSecrets);
    }

    /** The scaling bounds; a snapshot from before they were recorded keeps its replica count. */
    public Bounds scaling() {
        return bounds == null ? new Bounds(replicas, replicas) : bounds;
    }

    /** The secret groups whose keys the service gets as environment variables (none when not recorded). */
    public List<String> secrets() {
        return secretGroups == null ? List.of() : secretGroups;
    }

    /** Where an autoscaler may take the replica count: a cluster autoscales when {@code min < max}. */
    public record Bounds(int min, int max) {
    }

    /** A port the service listens on. */
    public record Port(String name, int port, boolean exposed) {
    }

    /** An HTTP GET that must answer 2xx/3xx before a replica takes traffic. */
    public record HealthCheck(String path, int port, int intervalSeconds, int timeoutSeconds, int failureThreshold, int initialDelaySeconds) {
    }
}

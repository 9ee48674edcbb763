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
        List<Port> ports, HealthCheck healthCheck, Bounds bounds, List<String> secretGroups, java.time.Instant restartedAt) {

    public WorkloadSpec withReplicas(int count) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                count, ports, healthCheck, bounds, secretGroups, restartedAt);
    }

    /** This spec run again as another deployment of the service, under the service's names of today. */
    public WorkloadSpec asDeployment(UUID newDeploymentId, String newProjectSlug, String newServiceSlug) {
        return new WorkloadSpec(projectId, newProjectSlug, serviceId, newServiceSlug, newDeploymentId, image, env, command, args, cpuMillicores,
                memoryMb, replicas, ports, healthCheck, bounds, secretGroups, restartedAt);
    }

    /** This spec with every replica replaced (a restart): on Kubernetes, a changed pod template. */
    public WorkloadSpec restartedAt(java.time.Instant at) {
        return new WorkloadSpec(projectId, projectSlug, serviceId, serviceSlug, deploymentId, image, env, command, args, cpuMillicores, memoryMb,
                replicas, ports, healthCheck, bounds, secretGroups, at);
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

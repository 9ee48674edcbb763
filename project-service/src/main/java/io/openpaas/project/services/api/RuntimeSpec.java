package io.openpaas.project.services.api;

import java.util.List;
import java.util.Map;

/**
 * How a service runs, as stored (one JSON column) and shown (top-level fields of the service):
 * environment (not secret: secrets come from secret groups), command and arguments, resources,
 * replicas and their bounds, the health check, whether a successful build deploys itself, and
 * whether a failed rollout rolls back to what ran before (off unless asked).
 * The requests carry the same fields with their validation.
 */
public record RuntimeSpec(Map<String, String> env, List<String> command, List<String> args, Resources resources, Replicas replicas,
        HealthCheck healthCheck, Boolean autoDeploy, Boolean autoRollback) {

    /** Every missing part at its default: auto-deploy is on for services built from Git. */
    public RuntimeSpec withDefaults(BuildSource source, List<PortSpec> ports) {
        Integer firstPort = ports == null || ports.isEmpty() ? null : ports.get(0).port();
        Resources r = resources == null ? Resources.DEFAULT : new Resources(
                resources.cpuMillicores() == null ? Resources.DEFAULT.cpuMillicores() : resources.cpuMillicores(),
                resources.memoryMb() == null ? Resources.DEFAULT.memoryMb() : resources.memoryMb());
        Replicas n = replicas == null ? Replicas.DEFAULT : new Replicas(
                replicas.desired() == null ? Replicas.DEFAULT.desired() : replicas.desired(),
                replicas.min() == null ? Math.min(Replicas.DEFAULT.min(), replicas.desired() == null ? 1 : replicas.desired()) : replicas.min(),
                replicas.max() == null ? Math.max(Replicas.DEFAULT.max(), replicas.desired() == null ? 1 : replicas.desired()) : replicas.max());
        return new RuntimeSpec(env == null ? Map.of() : env, command, args, r, n,
                (healthCheck == null ? new HealthCheck(null, null, null, null, null, null) : healthCheck).withDefaults(firstPort),
                autoDeploy == null ? source != null && "git".equals(source.type()) : autoDeploy, autoRollback != null && autoRollback);
    }

    /** This spec with the fields present in {@code patch} replacing its own. */
    public RuntimeSpec patchedWith(RuntimeSpec patch) {
        return new RuntimeSpec(patch.env() != null ? patch.env() : env, patch.command() != null ? patch.command() : command,
                patch.args() != null ? patch.args() : args, patch.resources() != null ? patch.resources() : resources,
                patch.replicas() != null ? patch.replicas() : replicas, patch.healthCheck() != null ? patch.healthCheck() : healthCheck,
                patch.autoDeploy() != null ? patch.autoDeploy() : autoDeploy,
                patch.autoRollback() != null ? patch.autoRollback() : autoRollback);
    }
}

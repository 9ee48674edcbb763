package io.openpaas.project.services.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** Body of {@code PATCH /api/v1/services/{id}}: absent fields stay; each present field (build_source, ports, env, …) is replaced whole. */
public record UpdateServiceRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Pattern(regexp = ServiceTypes.PATTERN, message = ServiceTypes.MESSAGE) String type,
        @Valid BuildSource buildSource,
        @Size(max = 20) List<@NotNull @Valid PortSpec> ports,
        @Size(max = 100) Map<@Pattern(regexp = "^[A-Za-z_][A-Za-z0-9_]{0,127}$", message = "must be an environment variable name") String,
                @NotNull @Size(max = 4096) String> env,
        @Size(max = 20) List<@NotNull @Size(max = 1000) String> command,
        @Size(max = 50) List<@NotNull @Size(max = 1000) String> args,
        @Valid Resources resources,
        @Valid Replicas replicas,
        @Valid HealthCheck healthCheck,
        Boolean autoDeploy,
        Boolean autoRollback) {

    /** The runtime fields present in the patch (absent ones null). */
    public RuntimeSpec runtime() {
        return new RuntimeSpec(env, command, args, resources, replicas, healthCheck, autoDeploy, autoRollback);
    }
}

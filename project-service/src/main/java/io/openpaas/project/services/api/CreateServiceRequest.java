package io.openpaas.project.services.api;

import io.openpaas.project.projects.service.Slugs;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** Body of {@code POST /api/v1/projects/{id}/services}. */
public record CreateServiceRequest(
        @NotBlank @Size(max = 100) String name,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String slug,
        @Pattern(regexp = ServiceTypes.PATTERN, message = ServiceTypes.MESSAGE) String type,
        @NotNull @Valid BuildSource buildSource,
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

    /** The runtime part of the request, as given (defaults are the mapper's). */
    public RuntimeSpec runtime() {
        return new RuntimeSpec(env, command, args, resources, replicas, healthCheck, autoDeploy, autoRollback);
    }
}

package io.openpaas.project.services.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code PATCH /api/v1/services/{id}}: absent fields stay; build_source and ports are replaced whole. */
public record UpdateServiceRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Pattern(regexp = ServiceTypes.PATTERN, message = ServiceTypes.MESSAGE) String type,
        @Valid BuildSource buildSource,
        @Size(max = 20) List<@NotNull @Valid PortSpec> ports) {
}

package io.openpaas.project.services.api;

import io.openpaas.project.projects.service.Slugs;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code POST /api/v1/projects/{id}/services}. */
public record CreateServiceRequest(
        @NotBlank @Size(max = 100) String name,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String slug,
        @Pattern(regexp = ServiceTypes.PATTERN, message = ServiceTypes.MESSAGE) String type,
        @NotNull @Valid BuildSource buildSource,
        @Size(max = 20) List<@NotNull @Valid PortSpec> ports) {
}

package io.openpaas.project.projects.api;

import io.openpaas.project.projects.service.Slugs;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/projects}; the slug is derived from the name when absent. {@code cluster}
 * names the registered cluster its services deploy to ({@code local}, this machine, by default).
 */
public record CreateProjectRequest(
        @NotBlank @Size(max = 100) String name,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String slug,
        @Size(max = 1000) String description,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String cluster) {
}

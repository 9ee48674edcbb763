package io.openpaas.project.projects.api;

import io.openpaas.project.projects.service.Slugs;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PATCH /api/v1/projects/{id}}: absent fields stay as they are. */
public record UpdateProjectRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String slug,
        @Size(max = 1000) String description,
        @Size(min = 1, max = 63) @Pattern(regexp = Slugs.PATTERN, message = Slugs.MESSAGE) String cluster) {
}

package io.openpaas.project.services.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Where a service's image comes from: a Git repository to build ({@code git}: repository,
 * branch, optional Dockerfile path and build context, both relative to the repository) or a
 * prebuilt image ({@code image}). A private repository's credential is not part of it: it is set
 * on build-service ({@code PUT /api/v1/services/{id}/git-credential}) and never travels in events.
 */
public record BuildSource(
        @NotNull @Pattern(regexp = "git|image", message = "must be 'git' or 'image'") String type,
        @Size(max = 500) String repository,
        @Size(max = 255) @Pattern(regexp = "^[^\\s~^:?*\\[\\\\]+$", message = "is not a valid branch name") String branch,
        @Size(max = 255) String dockerfile,
        @Size(max = 255) String context,
        @Size(max = 500) String image) {
}

package io.openpaas.project.services.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Where a service's image comes from: a Git repository to build ({@code git}: repository,
 * branch, optional Dockerfile path) or a prebuilt image ({@code image}).
 */
public record BuildSource(
        @NotNull @Pattern(regexp = "git|image", message = "must be 'git' or 'image'") String type,
        @Size(max = 500) String repository,
        @Size(max = 255) @Pattern(regexp = "^[^\\s~^:?*\\[\\\\]+$", message = "is not a valid branch name") String branch,
        @Size(max = 255) String dockerfile,
        @Size(max = 500) String image) {
}

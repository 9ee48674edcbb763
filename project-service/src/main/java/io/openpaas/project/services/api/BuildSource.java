package io.openpaas.project.services.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Where a service's image comes from: a Git repository to build ({@code git}: repository,
 * branch, optional Dockerfile path and build context, both relative to the repository) or a
 * prebuilt image ({@code image}). {@code secrets} names keys of the secret groups linked to the
 * service that the build gets as build secrets (a Dockerfile reads them with {@code RUN
 * --mount=type=secret,id=KEY}), never as build arguments that layers would keep. A private repository's credential is not part of it: it is set
 * on build-service ({@code PUT /api/v1/services/{id}/git-credential}) and never travels in events.
 */
public record BuildSource(
        @NotNull @Pattern(regexp = "git|image", message = "must be 'git' or 'image'") String type,
        @Size(max = 500) String repository,
        @Size(max = 255) @Pattern(regexp = "^[^\\s~^:?*\\[\\\\]+$", message = "is not a valid branch name") String branch,
        @Size(max = 255) String dockerfile,
        @Size(max = 255) String context,
        @Size(max = 500) String image,
        @Size(max = 20) List<@NotNull @Pattern(regexp = "^[A-Za-z_][A-Za-z0-9_]{0,127}$",
                message = "must be a secret key name (letters, digits and '_', not starting with a digit)") String> secrets) {
}

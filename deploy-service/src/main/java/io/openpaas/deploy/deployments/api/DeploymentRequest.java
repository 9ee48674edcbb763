package io.openpaas.deploy.deployments.api;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** What to deploy: a successful build of the service, or an image reference (one of the two). */
public record DeploymentRequest(
        UUID buildId,
        @Size(max = 500) @Pattern(regexp = DeploymentRequest.IMAGE, message = "is not an image reference (name[:tag][@sha256:digest])") String image) {

    /** An OCI image reference: an optional registry host, a lower-case path, a tag and/or a digest. */
    public static final String IMAGE = "^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$";
}

package io.openpaas.build.builds.api;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What to build: the service's branch by default, or another branch, or one commit. */
public record BuildRequest(
        @Size(max = 255) @Pattern(regexp = "^[^\\s~^:?*\\[\\\\]+$", message = "is not a valid branch name") String branch,
        @Pattern(regexp = "^[0-9a-f]{7,64}$", message = "must be a commit SHA (7 to 64 lowercase hex digits)") String commit) {
}

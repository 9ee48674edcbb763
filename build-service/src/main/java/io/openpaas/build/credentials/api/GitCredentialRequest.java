package io.openpaas.build.credentials.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A private repository's credential: {@code token} (an HTTPS access token, with an optional user
 * name; the default suits GitHub, GitLab and Gitea tokens) or {@code ssh_key} (a deploy key's
 * private key). Write-only: no answer ever contains it again.
 */
public record GitCredentialRequest(
        @NotNull @Pattern(regexp = "token|ssh_key", message = "must be 'token' or 'ssh_key'") String type,
        @Size(max = 200) @Pattern(regexp = "^[^\\s:@/]*$", message = "must not contain spaces, ':', '@' or '/'") String username,
        @Size(min = 1, max = 4096) String token,
        @Size(min = 1, max = 16384) String privateKey) {

    @Override
    public String toString() {
        return "GitCredentialRequest[" + type + ", " + username + ", ****]";
    }
}

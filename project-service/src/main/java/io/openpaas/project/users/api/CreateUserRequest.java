package io.openpaas.project.users.api;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/users} (admins): a login name, an optional email, optionally admin. */
public record CreateUserRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,62}", message = "must be 1-63 lowercase letters, digits, '.', '_' or '-'")
        String username,
        @Email @Size(max = 254) String email,
        Boolean admin) {
}

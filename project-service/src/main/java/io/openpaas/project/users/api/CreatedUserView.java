package io.openpaas.project.users.api;

import java.time.Instant;
import java.util.UUID;

/** A new user and their first API token, shown this once. */
public record CreatedUserView(UUID id, String username, String email, boolean admin, Instant createdAt, String apiToken) {
}

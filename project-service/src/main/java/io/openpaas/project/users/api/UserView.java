package io.openpaas.project.users.api;

import java.time.Instant;
import java.util.UUID;

public record UserView(UUID id, String username, String email, boolean admin, Instant createdAt) {
}

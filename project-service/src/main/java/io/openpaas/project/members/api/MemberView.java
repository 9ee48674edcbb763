package io.openpaas.project.members.api;

import java.time.Instant;
import java.util.UUID;

public record MemberView(UUID projectId, String userId, String username, String role, Instant createdAt) {
}

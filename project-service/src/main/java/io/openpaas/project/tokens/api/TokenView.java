package io.openpaas.project.tokens.api;

import java.time.Instant;
import java.util.UUID;

/** An API token as listed: never its secret, only the prefix that identifies it. */
public record TokenView(UUID id, String name, String prefix, String roleCeiling, Instant expiresAt, Instant revokedAt,
        Instant createdAt) {
}

package io.openpaas.project.tokens.api;

import java.time.Instant;
import java.util.UUID;

/** The answer to creating a token: the only time its secret is shown. */
public record CreatedTokenView(UUID id, String name, String token, String prefix, String roleCeiling, Instant expiresAt,
        Instant createdAt) {
}

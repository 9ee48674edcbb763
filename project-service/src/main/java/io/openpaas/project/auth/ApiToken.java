package io.openpaas.project.auth;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An API token: only its public prefix and the SHA-256 of the whole secret are kept. */
@Entity
@Table(name = "api_tokens")
public class ApiToken {
    @Id
    public UUID id;
    public UUID userId;
    public String name;
    public String prefix;
    public String hash;
    public Instant expiresAt;
    public Instant revokedAt;
    /** Highest project role the token's access tokens act with; null: the user's own roles. */
    public String roleCeiling;
    public Instant createdAt;

    /** A new, unrevoked token of a user; only the prefix and the hash of the secret are kept. */
    public static ApiToken of(UUID userId, String name, String prefix, String hash, String roleCeiling, Instant expiresAt) {
        ApiToken token = new ApiToken();
        token.id = io.openpaas.common.persistence.Ids.newId();
        token.userId = userId;
        token.name = name;
        token.prefix = prefix;
        token.hash = hash;
        token.roleCeiling = roleCeiling;
        token.expiresAt = expiresAt;
        token.createdAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return token;
    }
}

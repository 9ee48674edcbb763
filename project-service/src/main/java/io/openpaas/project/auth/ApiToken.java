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
    public Instant createdAt;
}

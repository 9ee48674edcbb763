package io.openpaas.project.auth;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A person or machine that calls the API with API tokens. */
@Entity
@Table(name = "users")
public class User {
    @Id
    public UUID id;
    public String username;
    public String email;
    public boolean admin;
    public Instant createdAt;
}

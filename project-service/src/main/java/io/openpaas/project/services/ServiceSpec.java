package io.openpaas.project.services;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * A service of a project: what to build (or which image to run) and which ports it exposes.
 * Build source, ports and runtime are stored as JSON text and mapped by {@code ServiceSpecMapper}.
 */
@Entity
@Table(name = "services")
public class ServiceSpec {
    @Id
    public UUID id;
    public UUID projectId;
    public String name;
    public String slug;
    public String type;
    public String buildSource;
    public String ports;
    public String runtime;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}

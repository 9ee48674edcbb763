package io.openpaas.project.projects;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A project: the unit of ownership and access that services, builds and secrets belong to. */
@Entity
@Table(name = "projects")
public class Project {
    @Id
    public UUID id;
    public String name;
    public String slug;
    public String description;
    /** The cluster its services deploy to ({@code local}: this machine). */
    public String cluster;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}

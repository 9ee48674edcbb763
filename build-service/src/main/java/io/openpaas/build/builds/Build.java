package io.openpaas.build.builds;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One build of a service: what was asked for (repository, branch or commit, Dockerfile and
 * context, copied from the service when requested so a later edit does not change it), where it
 * stands, and what it produced (the commit built and the image by digest).
 */
@Entity
@Table(name = "builds")
public class Build {
    @Id
    public UUID id;
    public UUID projectId;
    public UUID serviceId;
    @Enumerated(EnumType.STRING)
    public BuildState state;
    public String trigger;
    public String requestedBy;
    public String repository;
    public String branch;
    public String requestedCommit;
    public String dockerfile;
    public String context;
    public String commitSha;
    public String image;
    public String reason;
    public String executor;
    public String worker;
    public Long pid;
    public Instant createdAt;
    public Instant startedAt;
    public Instant finishedAt;
    public Instant heartbeatAt;
    @Version
    public long version;
}

package io.openpaas.deploy.deployments;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One rollout of a service: the image and the runtime it was asked with (a snapshot, so a later
 * edit of the service makes a new deployment rather than changing this one) and where it stands.
 */
@Entity
@Table(name = "deployments")
public class Deployment {
    @Id
    public UUID id;
    public UUID projectId;
    public UUID serviceId;
    /** Where it runs: {@code local} or a registered cluster's name, as the project named it when it was asked. */
    public String cluster;
    @Enumerated(EnumType.STRING)
    public DeploymentState state;
    public String trigger;
    public String requestedBy;
    public String image;
    public UUID buildId;
    public int replicas;
    public String spec;
    public String reason;
    public String worker;
    public Instant createdAt;
    public Instant startedAt;
    public Instant finishedAt;
    public Instant deadlineAt;
    /** When the new replicas took the traffic: from then on the rollout finishes, it is not cancelled. */
    public Instant trafficMovedAt;
    /** Running replicas as last observed while the deployment serves (null before it does). */
    public Integer readyReplicas;
    /** Replica exits and restarts observed while it serves. */
    public int failures;
    /** Replicas deploy-service started again after they exited (capped). */
    public int watchRestarts;
    @Version
    public long version;
}

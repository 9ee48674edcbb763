package io.openpaas.deploy.deployments.api;

import java.time.Instant;
import java.util.UUID;

/** A deployment as the API and the events show it. */
public record DeploymentView(UUID id, UUID projectId, UUID serviceId, String state, String trigger, String requestedBy, String image,
        UUID buildId, String cluster, int replicas, Integer readyReplicas, int failures, String reason, String url, Instant createdAt, Instant startedAt, Instant finishedAt, String statusUrl) {
}

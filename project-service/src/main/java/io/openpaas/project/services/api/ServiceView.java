package io.openpaas.project.services.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A service as the API (and its events) show it. */
public record ServiceView(UUID id, UUID projectId, String name, String slug, String type, BuildSource buildSource,
        List<PortSpec> ports, Map<String, String> env, List<String> command, List<String> args, Resources resources, Replicas replicas,
        HealthCheck healthCheck, boolean autoDeploy, boolean autoRollback, Instant createdAt, Instant updatedAt, long version) {
}

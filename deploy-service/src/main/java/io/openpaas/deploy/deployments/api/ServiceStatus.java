package io.openpaas.deploy.deployments.api;

import java.util.List;
import java.util.UUID;

/** What runs for a service now: desired and ready replicas, the image, the last deployments and the URLs. */
public record ServiceStatus(UUID serviceId, int desiredReplicas, int readyReplicas, String image, UUID currentDeployment,
        String currentState, UUID lastDeployment, String lastState, List<String> urls) {
}

package io.openpaas.deploy.deployments.api;

import java.util.UUID;

/** {@code POST /api/v1/services/{id}/rollback}: to this earlier deployment, or (absent) to the one before the current. */
public record RollbackRequest(UUID deploymentId) {
}

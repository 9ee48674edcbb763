package io.openpaas.deploy.deployments.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code POST /api/v1/services/{id}/scale}: how many replicas (0 stops the service; at most the service's replicas.max). */
public record ScaleRequest(@NotNull @Min(0) @Max(50) Integer replicas) {
}

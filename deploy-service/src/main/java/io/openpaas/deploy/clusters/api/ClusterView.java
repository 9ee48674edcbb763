package io.openpaas.deploy.clusters.api;

import io.openpaas.deploy.clusters.ClusterSettings;
import java.time.Instant;
import java.util.UUID;

/**
 * A cluster as the API shows it: never its credentials, only whether it has some. {@code reachable}
 * and {@code detail} are filled when one cluster is read (a live check, bounded by a timeout).
 */
public record ClusterView(UUID id, String name, String kind, ClusterSettings settings, boolean hasCredentials, String createdBy,
        Instant createdAt, Boolean reachable, String detail) {
}

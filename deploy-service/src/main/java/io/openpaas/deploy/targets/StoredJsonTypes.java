package io.openpaas.deploy.targets;

import io.openpaas.deploy.clusters.ClusterCredentials;
import io.openpaas.deploy.clusters.ClusterSettings;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What deploy-service stores as JSON and reads back with Jackson outside a REST call (a
 * deployment's spec, a cluster's settings and sealed credentials): registered for a native image
 * (docs/delivery.md).
 */
@RegisterForReflection(targets = {WorkloadSpec.class, WorkloadSpec.Port.class, WorkloadSpec.HealthCheck.class, WorkloadSpec.Bounds.class,
        ClusterSettings.class, ClusterCredentials.class})
final class StoredJsonTypes {

    private StoredJsonTypes() {
    }
}

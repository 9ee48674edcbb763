package io.openpaas.project.services.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The spec parts stored as JSON columns and read back with Jackson outside a REST call
 * (ServiceSpecMapper): registered for a native image, where Quarkus REST would only register
 * them as bodies (docs/delivery.md).
 */
@RegisterForReflection(targets = {BuildSource.class, PortSpec.class, RuntimeSpec.class, Resources.class, Replicas.class, HealthCheck.class})
final class StoredJsonTypes {

    private StoredJsonTypes() {
    }
}

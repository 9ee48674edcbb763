package io.openpaas.deploy.targets;

import java.util.UUID;

/** One running copy of a service as a target sees it. */
public record Replica(String id, UUID deploymentId, String state, boolean healthy, String address) {
}

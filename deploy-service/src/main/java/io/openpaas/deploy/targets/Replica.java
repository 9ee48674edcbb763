package io.openpaas.deploy.targets;

import java.util.UUID;

/**
 * One copy of a service as a target sees it: {@code healthy} when it runs; {@code exitCode} of its
 * last exit (null if none) and {@code restarts} by the engine, so that a replica that died is seen
 * even when it was restarted before anyone looked.
 */
public record Replica(String id, String name, UUID serviceId, UUID deploymentId, String state, boolean healthy, Long exitCode, int restarts) {
}

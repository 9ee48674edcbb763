package io.openpaas.build.builds.api;

import java.time.Instant;
import java.util.UUID;

/** A build as the API and the events show it; {@code image} is a reference by digest once pushed. */
public record BuildView(UUID id, UUID projectId, UUID serviceId, String state, String trigger, String requestedBy,
        String branch, String requestedCommit, String commitSha, String image, String reason, String executor,
        Instant createdAt, Instant startedAt, Instant finishedAt, String logsUrl, String statusUrl) {
}

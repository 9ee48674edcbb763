package io.openpaas.project.projects.api;

import java.time.Instant;
import java.util.UUID;

/** A project as the API shows it. */
public record ProjectView(UUID id, String name, String slug, String description, String cluster, String createdBy, Instant createdAt,
        Instant updatedAt, long version) {
}

package io.openpaas.audit.records.api;

import java.time.Instant;

/** Filters of {@code GET /api/v1/audit}; {@code type} matches as a prefix (e.g. {@code paas.build.}). */
public record AuditFilter(String project, String actor, String type, String resource, Instant from, Instant to) {
}

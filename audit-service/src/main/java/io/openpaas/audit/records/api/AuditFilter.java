package io.openpaas.audit.records.api;

import java.time.Instant;

/**
 * Filters of {@code GET /api/v1/audit}. {@code type} is a domain ({@code paas.build.}), a whole
 * type ({@code paas.build.succeeded}, matched exactly) or any other prefix.
 */
public record AuditFilter(String project, String actor, String type, String resource, Instant from, Instant to) {
}

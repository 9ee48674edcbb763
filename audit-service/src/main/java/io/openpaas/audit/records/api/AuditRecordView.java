package io.openpaas.audit.records.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An audit record as the API shows it. */
public record AuditRecordView(long seq, String eventId, String type, String source, String resource, String projectId, String actor,
        String correlationId, Instant occurredAt, Instant recordedAt, JsonNode data, String prevHash, String hash) {
}

package io.openpaas.audit.records;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One event of the platform as the audit trail keeps it. Rows are only ever inserted. */
@Entity
@Table(name = "audit_records")
public class AuditRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;
    public String eventId;
    public String type;
    public String source;
    public String resource;
    public String projectId;
    public String actor;
    public String correlationId;
    public Instant occurredAt;
    public Instant recordedAt;
    public String data;
}

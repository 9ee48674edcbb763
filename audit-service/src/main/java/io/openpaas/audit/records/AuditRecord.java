package io.openpaas.audit.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import java.sql.Types;
import org.hibernate.annotations.JdbcTypeCode;
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
    /** The type's domain ({@code build} of {@code paas.build.succeeded}), computed by the database. */
    @Column(insertable = false, updatable = false)
    public String domain;
    public String source;
    public String resource;
    public String projectId;
    public String actor;
    public String correlationId;
    public Instant occurredAt;
    public Instant recordedAt;
    public String data;
    @Column(length = 64)
    @JdbcTypeCode(Types.CHAR)
    public String prevHash;
    @Column(length = 64)
    @JdbcTypeCode(Types.CHAR)
    public String hash;

    /** The fields the hash chain covers. */
    public io.openpaas.audit.chain.AuditChain.Link link() {
        return new io.openpaas.audit.chain.AuditChain.Link(seq, eventId, type, source, resource, projectId, actor, correlationId,
                occurredAt, recordedAt, data);
    }
}

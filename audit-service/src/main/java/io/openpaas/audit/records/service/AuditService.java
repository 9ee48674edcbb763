package io.openpaas.audit.records.service;

import io.openpaas.audit.records.AuditRecord;
import io.openpaas.audit.records.api.AuditFilter;
import io.openpaas.audit.records.api.AuditRecordView;
import io.openpaas.audit.records.repository.AuditRecordRepository;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.json.Json;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads of the audit trail. Until project memberships reach audit-service, only admins read it. */
@ApplicationScoped
public class AuditService {

    private final AuditRecordRepository records;
    private final Json json;

    public AuditService(AuditRecordRepository records, Json json) {
        this.records = records;
        this.json = json;
    }

    @WithSession
    public Uni<Page<AuditRecordView>> list(Caller caller, AuditFilter filter, String cursor, int limit) {
        if (!caller.admin()) {
            throw ProblemException.forbidden("only platform admins can read the audit trail");
        }
        return records.page(filter, Cursors.decodeLong(cursor), limit + 1).map(rows -> Page.of(rows, limit, this::toView, r -> r.seq));
    }

    private AuditRecordView toView(AuditRecord r) {
        return new AuditRecordView(r.seq, r.eventId, r.type, r.source, r.resource, r.projectId, r.actor, r.correlationId,
                r.occurredAt, r.recordedAt, r.data == null ? null : json.tree(r.data));
    }
}

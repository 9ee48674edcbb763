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
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.security.Roles;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads of the audit trail. Until project memberships reach audit-service, only admins read it. */
@ApplicationScoped
public class AuditService {

    private final AuditRecordRepository records;
    private final ProjectAuthorizer authorizer;
    private final Json json;

    public AuditService(AuditRecordRepository records, ProjectAuthorizer authorizer, Json json) {
        this.records = records;
        this.authorizer = authorizer;
        this.json = json;
    }

    /**
     * Admins read everything; a project's owners read its records; nobody else reads any. A
     * filter on a project the caller cannot see answers 404 like any hidden project.
     */
    @WithSession
    public Uni<Page<AuditRecordView>> list(Caller caller, AuditFilter filter, String cursor, int limit) {
        Long before = Cursors.decodeLong(cursor);
        Uni<List<String>> visible;
        if (caller.admin()) {
            visible = Uni.createFrom().nullItem();
        } else if (filter.project() != null) {
            visible = authorizer.require(caller, projectId(filter.project()), Roles.OWNER).replaceWith(() -> List.of(filter.project()));
        } else {
            visible = authorizer.projectsWith(caller, Roles.OWNER).map(ids -> ids.stream().map(UUID::toString).toList());
        }
        return visible.chain(projects -> projects != null && projects.isEmpty()
                ? Uni.createFrom().item(List.<AuditRecord>of())
                : records.page(filter, projects, before, limit + 1))
                .map(rows -> Page.of(rows, limit, this::toView, r -> r.seq));
    }

    private static UUID projectId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("project", "must be a project id (UUID)");
        }
    }

    private AuditRecordView toView(AuditRecord r) {
        return new AuditRecordView(r.seq, r.eventId, r.type, r.source, r.resource, r.projectId, r.actor, r.correlationId,
                r.occurredAt, r.recordedAt, r.data == null ? null : json.tree(r.data));
    }
}

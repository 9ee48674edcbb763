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
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
        return visibleProjects(caller, filter).chain(projects -> projects != null && projects.isEmpty()
                ? Uni.createFrom().item(List.<AuditRecord>of())
                : records.page(filter, projects, before, limit + 1))
                .map(rows -> Page.of(rows, limit, this::toView, r -> r.seq));
    }

    /**
     * Streams every record the caller may read that matches the filter, oldest first (chain
     * order, so an export can be verified offline), a page at a time.
     */
    public Multi<AuditRecordView> export(Caller caller, AuditFilter filter) {
        int page = 500;
        return Multi.createFrom().uni(Panache.withSession(() -> visibleProjects(caller, filter)).map(Optional::ofNullable))
                .onItem().transformToMultiAndConcatenate(visible -> {
                    List<String> projects = visible.orElse(null);
                    if (projects != null && projects.isEmpty()) {
                        return Multi.createFrom().empty();
                    }
                    AtomicLong after = new AtomicLong(0);
                    return Multi.createBy().repeating()
                            .uni(() -> Panache.withSession(() -> records.page(filter, projects, after.get(), page, true))
                                    .invoke(rows -> {
                                        if (!rows.isEmpty()) {
                                            after.set(rows.get(rows.size() - 1).seq);
                                        }
                                    }))
                            .until(List::isEmpty)
                            .onItem().transformToIterable(rows -> rows.stream().map(this::toView).toList());
                });
    }

    /** Null: everything (admins); else the projects the caller owns, or the filtered one if they own it. */
    private Uni<List<String>> visibleProjects(Caller caller, AuditFilter filter) {
        Uni<List<String>> visible;
        if (caller.admin()) {
            visible = Uni.createFrom().nullItem();
        } else if (filter.project() != null) {
            visible = authorizer.require(caller, projectId(filter.project()), Roles.OWNER).replaceWith(() -> List.of(filter.project()));
        } else {
            visible = authorizer.projectsWith(caller, Roles.OWNER).map(ids -> ids.stream().map(UUID::toString).toList());
        }
        return visible;
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
                r.occurredAt, r.recordedAt, r.data == null ? null : json.tree(r.data), r.prevHash, r.hash);
    }
}

package io.openpaas.audit.records.repository;

import io.openpaas.audit.records.AuditRecord;
import io.openpaas.audit.records.api.AuditFilter;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class AuditRecordRepository implements PanacheRepositoryBase<AuditRecord, Long> {

    /** Stores the record unless its event id is already there; answers whether it was stored. */
    public Uni<Boolean> insertOnce(AuditRecord r) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "insert into audit_records (event_id, type, source, resource, project_id, actor, correlation_id, occurred_at, data) "
                        + "values (:eventId, :type, :source, :resource, :projectId, :actor, :correlationId, :occurredAt, :data) "
                        + "on conflict (event_id) do nothing")
                .setParameter("eventId", r.eventId)
                .setParameter("type", r.type)
                .setParameter("source", r.source)
                .setParameter("resource", r.resource)
                .setParameter("projectId", r.projectId)
                .setParameter("actor", r.actor)
                .setParameter("correlationId", r.correlationId)
                .setParameter("occurredAt", r.occurredAt)
                .setParameter("data", r.data)
                .executeUpdate())
                .map(rows -> rows == 1);
    }

    /**
     * Newest first, keyset on seq; {@code limit} rows at most. {@code onlyProjects}, when not
     * null, restricts the page to those projects (what a non-admin may read).
     */
    public Uni<List<AuditRecord>> page(AuditFilter filter, List<String> onlyProjects, Long beforeSeq, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (onlyProjects != null) {
            where.add("projectId in :visible");
            params.and("visible", onlyProjects);
        }
        if (beforeSeq != null) {
            where.add("seq < :before");
            params.and("before", beforeSeq);
        }
        if (filter.project() != null) {
            where.add("projectId = :project");
            params.and("project", filter.project());
        }
        if (filter.actor() != null) {
            where.add("actor = :actor");
            params.and("actor", filter.actor());
        }
        if (filter.type() != null) {
            where.add("type like :type");
            params.and("type", filter.type().replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.resource() != null) {
            where.add("resource = :resource");
            params.and("resource", filter.resource());
        }
        if (filter.from() != null) {
            where.add("occurredAt >= :from");
            params.and("from", filter.from());
        }
        if (filter.to() != null) {
            where.add("occurredAt < :to");
            params.and("to", filter.to());
        }
        String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by seq desc";
        return find(query, params).range(0, limit - 1).list();
    }
}

package io.openpaas.audit.records.repository;

import io.openpaas.audit.records.AuditRecord;
import io.openpaas.audit.records.api.AuditFilter;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.openpaas.audit.chain.AuditChain;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.hibernate.reactive.mutiny.Mutiny;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class AuditRecordRepository implements PanacheRepositoryBase<AuditRecord, Long> {

    /**
     * Appends the record to the chain unless its event id is already there; answers whether it
     * was stored. The chain head is locked for the rest of the transaction, so appends are
     * chained strictly one after the other and the sequence follows the chain.
     */
    public Uni<Boolean> append(AuditRecord r) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select seq, hash from audit_chain_head where id = 1 for update")
                .getSingleResult()
                .chain(headRow -> session.createNativeQuery("select count(*) from audit_records where event_id = :id")
                        .setParameter("id", r.eventId).getSingleResult()
                        .chain(existing -> {
                            if (((Number) existing).longValue() > 0) {
                                return Uni.createFrom().item(false);
                            }
                            String previous = ((Object[]) headRow)[1].toString();
                            return session.createNativeQuery("select nextval(pg_get_serial_sequence('audit_records', 'seq'))")
                                    .getSingleResult()
                                    .chain(next -> {
                                        r.seq = ((Number) next).longValue();
                                        r.recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                                        r.prevHash = previous;
                                        r.hash = AuditChain.hash(r.link(), previous);
                                        return insert(session, r);
                                    })
                                    .chain(() -> session.createNativeQuery("update audit_chain_head set seq = :seq, hash = :hash where id = 1")
                                            .setParameter("seq", r.seq).setParameter("hash", r.hash).executeUpdate())
                                    .replaceWith(true);
                        })));
    }

    private static Uni<Integer> insert(Mutiny.Session session, AuditRecord r) {
        return session.createNativeQuery("insert into audit_records (seq, event_id, type, source, resource, project_id, actor, "
                        + "correlation_id, occurred_at, recorded_at, data, prev_hash, hash) values (:seq, :eventId, :type, :source, "
                        + ":resource, :projectId, :actor, :correlationId, :occurredAt, :recordedAt, :data, :prevHash, :hash)")
                .setParameter("seq", r.seq)
                .setParameter("eventId", r.eventId)
                .setParameter("type", r.type)
                .setParameter("source", r.source)
                .setParameter("resource", r.resource)
                .setParameter("projectId", r.projectId)
                .setParameter("actor", r.actor)
                .setParameter("correlationId", r.correlationId)
                .setParameter("occurredAt", r.occurredAt)
                .setParameter("recordedAt", r.recordedAt)
                .setParameter("data", r.data)
                .setParameter("prevHash", r.prevHash)
                .setParameter("hash", r.hash)
                .executeUpdate();
    }

    /**
     * Newest first, keyset on seq; {@code limit} rows at most. {@code onlyProjects}, when not
     * null, restricts the page to those projects (what a non-admin may read).
     */
    public Uni<List<AuditRecord>> page(AuditFilter filter, List<String> onlyProjects, Long beforeSeq, int limit) {
        return page(filter, onlyProjects, beforeSeq, limit, false);
    }

    /** Like {@link #page}, or oldest first after {@code cursorSeq} when {@code ascending} (exports, in chain order). */
    public Uni<List<AuditRecord>> page(AuditFilter filter, List<String> onlyProjects, Long cursorSeq, int limit, boolean ascending) {
        Long beforeSeq = cursorSeq;
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (onlyProjects != null) {
            where.add("projectId in :visible");
            params.and("visible", onlyProjects);
        }
        if (beforeSeq != null) {
            where.add(ascending ? "seq > :before" : "seq < :before");
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
        String query = (where.isEmpty() ? "" : String.join(" and ", where)) + (ascending ? " order by seq" : " order by seq desc");
        return find(query, params).range(0, limit - 1).list();
    }
}

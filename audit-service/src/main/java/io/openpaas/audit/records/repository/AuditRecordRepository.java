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
        return appendAll(List.of(r)).map(stored -> stored == 1);
    }

    /**
     * Appends a batch to the chain in a few statements: lock the head, skip ids already
     * stored, take the sequence numbers, insert all rows at once, move the head. Answers how
     * many were stored.
     */
    public Uni<Integer> appendAll(List<AuditRecord> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select seq, hash from audit_chain_head where id = 1 for update").getSingleResult()
                .chain(headRow -> stored(session, batch).chain(existing -> {
                    List<AuditRecord> fresh = batch.stream().filter(r -> !existing.contains(r.eventId)).toList();
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return session.createNativeQuery("select nextval(pg_get_serial_sequence('audit_records', 'seq')) "
                                    + "from generate_series(1, :n)", Long.class)
                            .setParameter("n", fresh.size()).getResultList()
                            .chain(seqs -> {
                                List<Long> ordered = seqs.stream().sorted().toList();
                                String previous = ((Object[]) headRow)[1].toString();
                                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                                for (int i = 0; i < fresh.size(); i++) {
                                    AuditRecord r = fresh.get(i);
                                    r.seq = ordered.get(i);
                                    r.recordedAt = now;
                                    r.prevHash = previous;
                                    r.hash = AuditChain.hash(r.link(), previous);
                                    previous = r.hash;
                                }
                                AuditRecord last = fresh.get(fresh.size() - 1);
                                return insertAll(session, fresh)
                                        .chain(() -> session.createNativeQuery("update audit_chain_head set seq = :seq, hash = :hash where id = 1")
                                                .setParameter("seq", last.seq).setParameter("hash", last.hash).executeUpdate())
                                        .replaceWith(fresh.size());
                            });
                })));
    }

    private static Uni<java.util.Set<String>> stored(Mutiny.Session session, List<AuditRecord> batch) {
        return session.createNativeQuery("select event_id from audit_records where event_id = any(cast(:ids as text[]))", String.class)
                .setParameter("ids", batch.stream().map(r -> r.eventId).toArray(String[]::new))
                .getResultList().map(java.util.HashSet::new);
    }

    /** {@code paas.build.}: every type of one domain. */
    private static final java.util.regex.Pattern DOMAIN_PREFIX = java.util.regex.Pattern.compile("paas\\.([a-z]+)\\.");
    private static final java.util.regex.Pattern EXACT_TYPE = java.util.regex.Pattern.compile("paas\\.[a-z]+\\.[a-z_]+");

    /**
     * One row per element of the column arrays: the statement is the same for every batch size,
     * so PostgreSQL and Hibernate parse and plan it once (a statement with a placeholder per
     * value was new text for each batch size, and Hibernate parsed thousands of placeholders
     * each time). Every column travels as text and is cast where the table needs another type.
     */
    private static final String INSERT_ALL = "insert into audit_records (seq, event_id, type, source, resource, project_id, actor, "
            + "correlation_id, occurred_at, recorded_at, data, prev_hash, hash) "
            + "select cast(seq as bigint), event_id, type, source, resource, project_id, actor, correlation_id, "
            + "cast(occurred_at as timestamptz), cast(recorded_at as timestamptz), data, prev_hash, hash "
            + "from unnest(cast(:seq as text[]), cast(:event_id as text[]), cast(:type as text[]), cast(:source as text[]), "
            + "cast(:resource as text[]), cast(:project_id as text[]), cast(:actor as text[]), cast(:correlation_id as text[]), "
            + "cast(:occurred_at as text[]), cast(:recorded_at as text[]), cast(:data as text[]), cast(:prev_hash as text[]), "
            + "cast(:hash as text[])) as t(seq, event_id, type, source, resource, project_id, actor, correlation_id, occurred_at, "
            + "recorded_at, data, prev_hash, hash)";

    private static Uni<Integer> insertAll(Mutiny.Session session, List<AuditRecord> rows) {
        return session.createNativeQuery(INSERT_ALL)
                .setParameter("seq", column(rows, r -> r.seq.toString()))
                .setParameter("event_id", column(rows, r -> r.eventId))
                .setParameter("type", column(rows, r -> r.type))
                .setParameter("source", column(rows, r -> r.source))
                .setParameter("resource", column(rows, r -> r.resource))
                .setParameter("project_id", column(rows, r -> r.projectId))
                .setParameter("actor", column(rows, r -> r.actor))
                .setParameter("correlation_id", column(rows, r -> r.correlationId))
                // ISO-8601 in UTC: PostgreSQL reads back the very instant that was hashed
                .setParameter("occurred_at", column(rows, r -> r.occurredAt.toString()))
                .setParameter("recorded_at", column(rows, r -> r.recordedAt.toString()))
                .setParameter("data", column(rows, r -> r.data))
                .setParameter("prev_hash", column(rows, r -> r.prevHash))
                .setParameter("hash", column(rows, r -> r.hash))
                .executeUpdate();
    }

    private static String[] column(List<AuditRecord> rows, java.util.function.Function<AuditRecord, String> value) {
        String[] column = new String[rows.size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = value.apply(rows.get(i));
        }
        return column;
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
            java.util.regex.Matcher domain = DOMAIN_PREFIX.matcher(filter.type());
            if (domain.matches()) {
                where.add("domain = :domain");
                params.and("domain", domain.group(1));
            } else if (EXACT_TYPE.matcher(filter.type()).matches()) {
                // a whole type (paas.member.added) is matched exactly, on its own index
                where.add("type = :exact");
                params.and("exact", filter.type());
            } else {
                where.add("type like :type");
                params.and("type", filter.type().replace("%", "\\%").replace("_", "\\_") + "%");
            }
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

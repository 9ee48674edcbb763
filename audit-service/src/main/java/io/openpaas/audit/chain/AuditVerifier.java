package io.openpaas.audit.chain;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Recomputes the chain in sequence order, a page at a time, and reports the first record
 * that does not hold: a changed record fails its own hash; a removed one makes the next record
 * point to a hash that is not its predecessor's; a removed newest record leaves the head
 * pointing past the end.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its meters exist from the start, not from first use
public class AuditVerifier {

    private static final int PAGE = 2000;

    private final Pool pool;
    private final ArchiveFiles archives;
    private final MeterRegistry registry;
    /** 1 when the last whole-trail verification held, 0 when it found a break; NaN before the first. */
    private final AtomicReference<Double> intact = new AtomicReference<>(Double.NaN);

    public AuditVerifier(Pool pool, ArchiveFiles archives, MeterRegistry registry) {
        this.pool = pool;
        this.archives = archives;
        this.registry = registry;
        Gauge.builder("openpaas.audit.chain.intact", intact, AtomicReference::get)
                .description("1 when the last verification of the whole trail held, 0 when it found a break").register(registry);
        for (String result : new String[] {"intact", "broken"}) {
            registry.counter("openpaas.audit.verifications", "result", result);
        }
    }

    /** Verifies the whole trail on a timer, so that a break is alerted on without anyone asking (docs/operations.md). */
    @Scheduled(every = "${openpaas.audit.verify-every:15m}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> verifyPeriodically() {
        return verifyStored().replaceWithVoid();
    }

    /**
     * The whole trail: the checkpoints left by archiving are checked first (each one's hash,
     * its link to the one before, and its archive file, which must hold exactly the records it
     * let go), then the records stored after the newest.
     */
    public Uni<VerifyReport> verifyStored() {
        return verifyCheckpointsAndRecords().invoke(report -> {
            intact.set(report.valid() ? 1.0 : 0.0);
            registry.counter("openpaas.audit.verifications", "result", report.valid() ? "intact" : "broken").increment();
        });
    }

    private Uni<VerifyReport> verifyCheckpointsAndRecords() {
        return pool.query("select seq, hash, records, archive, archive_sha256, previous, checkpoint_hash, created_at "
                + "from audit_checkpoints order by seq").execute()
                .emitOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()) // reads archive files
                .chain(rows -> {
                    String previous = AuditChain.GENESIS;
                    long seq = 0;
                    String hash = null;
                    String recordBefore = AuditChain.GENESIS;
                    for (Row cp : rows) {
                        String expected = AuditChain.checkpointHash(cp.getLong("seq"), cp.getString("hash"), cp.getLong("records"),
                                cp.getString("archive"), cp.getString("archive_sha256"), cp.getOffsetDateTime("created_at").toInstant(), previous);
                        if (!previous.equals(cp.getString("previous")) || !expected.equals(cp.getString("checkpoint_hash"))) {
                            return Uni.createFrom().item(new VerifyReport(false, 0, seq, null, hash, new VerifyReport.BrokenLink(cp.getLong("seq"),
                                    null, "the checkpoint at this seq was changed, or one before it removed")));
                        }
                        java.util.Optional<String> archive = archives.problemWith(cp.getString("archive"), cp.getString("archive_sha256"),
                                cp.getLong("records"), recordBefore, cp.getLong("seq"), cp.getString("hash"));
                        if (archive.isPresent()) {
                            return Uni.createFrom().item(new VerifyReport(false, 0, seq, null, hash,
                                    new VerifyReport.BrokenLink(cp.getLong("seq"), null, "records up to this checkpoint left the database "
                                            + "without a matching archive: " + archive.get())));
                        }
                        recordBefore = cp.getString("hash");
                        previous = cp.getString("checkpoint_hash");
                        seq = cp.getLong("seq");
                        hash = cp.getString("hash");
                    }
                    return verify(seq, hash);
                });
    }

    /** From the start of the trail, or from a checkpoint: the record at {@code afterSeq} had {@code hash}. */
    public Uni<VerifyReport> verify(long afterSeq, String hash) {
        return page(new Walk(afterSeq, afterSeq == 0 ? AuditChain.GENESIS : hash))
                .chain(walk -> walk.broken != null ? Uni.createFrom().item(walk) : checkHead(walk))
                .map(walk -> new VerifyReport(walk.broken == null, walk.checked, afterSeq, walk.lastSeq == afterSeq ? null : walk.lastSeq,
                        walk.lastHash, walk.broken));
    }

    private static final class Walk {
        long lastSeq;
        String lastHash;
        long checked;
        VerifyReport.BrokenLink broken;

        Walk(long lastSeq, String lastHash) {
            this.lastSeq = lastSeq;
            this.lastHash = lastHash;
        }
    }

    private Uni<Walk> page(Walk walk) {
        return pool.preparedQuery("select seq, event_id, type, source, resource, project_id, actor, correlation_id, occurred_at, "
                        + "recorded_at, data, prev_hash, hash from audit_records where seq > $1 order by seq limit " + PAGE)
                .execute(Tuple.of(walk.lastSeq))
                .chain(rows -> {
                    check(walk, rows);
                    return walk.broken != null || rows.size() < PAGE ? Uni.createFrom().item(walk) : page(walk);
                });
    }

    private static void check(Walk walk, RowSet<Row> rows) {
        for (Row row : rows) {
            if (walk.broken != null) {
                return;
            }
            long seq = row.getLong("seq");
            String eventId = row.getString("event_id");
            AuditChain.Link link = new AuditChain.Link(seq, eventId, row.getString("type"), row.getString("source"),
                    row.getString("resource"), row.getString("project_id"), row.getString("actor"), row.getString("correlation_id"),
                    row.getOffsetDateTime("occurred_at").toInstant(), row.getOffsetDateTime("recorded_at").toInstant(),
                    row.getString("data"));
            String prev = row.getString("prev_hash");
            String stored = row.getString("hash");
            if (!walk.lastHash.equals(prev)) {
                walk.broken = new VerifyReport.BrokenLink(seq, eventId, "its previous hash is not the hash of the record before it (seq "
                        + walk.lastSeq + "): a record in between was removed or changed");
            } else if (!AuditChain.hash(link, prev).equals(stored)) {
                walk.broken = new VerifyReport.BrokenLink(seq, eventId, "its content does not match its hash: the record was changed");
            } else {
                walk.lastSeq = seq;
                walk.lastHash = stored;
                walk.checked++;
            }
        }
    }

    private Uni<Walk> checkHead(Walk walk) {
        return pool.query("select seq, hash from audit_chain_head where id = 1").execute().map(rows -> {
            Row head = rows.iterator().next();
            if (head.getLong("seq") != walk.lastSeq || !head.getString("hash").equals(walk.lastHash)) {
                walk.broken = new VerifyReport.BrokenLink(head.getLong("seq"), null,
                        "the newest record (seq " + head.getLong("seq") + ") is missing or changed");
            }
            return walk;
        });
    }
}

package io.openpaas.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash chain of the audit trail: a record's hash is the SHA-256 of its canonical form,
 * which ends with the previous record's hash. The migration that chained older records
 * computes the same form in SQL ({@code audit_record_hash}): each field as
 * {@code <UTF-8 byte length>:<value>} or {@code ~} for null, times as epoch microseconds.
 */
public final class AuditChain {

    /** The previous hash of the very first record. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** The fields a record's hash covers, in their canonical order. */
    public record Link(long seq, String eventId, String type, String source, String resource, String projectId, String actor,
            String correlationId, Instant occurredAt, Instant recordedAt, String data) {
    }

    public static String hash(Link r, String previousHash) {
        StringBuilder canonical = new StringBuilder(256);
        field(canonical, Long.toString(r.seq()));
        field(canonical, r.eventId());
        field(canonical, r.type());
        field(canonical, r.source());
        field(canonical, r.resource());
        field(canonical, r.projectId());
        field(canonical, r.actor());
        field(canonical, r.correlationId());
        field(canonical, Long.toString(micros(r.occurredAt())));
        field(canonical, Long.toString(micros(r.recordedAt())));
        field(canonical, r.data());
        field(canonical, previousHash);
        return sha256(canonical.toString());
    }

    /** The hash of a checkpoint: its fields in canonical form, ending with the previous checkpoint's hash. */
    public static String checkpointHash(long seq, String hash, long records, String archive, String archiveSha256, Instant createdAt,
            String previous) {
        StringBuilder canonical = new StringBuilder(256);
        field(canonical, Long.toString(seq));
        field(canonical, hash);
        field(canonical, Long.toString(records));
        field(canonical, archive);
        field(canonical, archiveSha256);
        field(canonical, Long.toString(micros(createdAt)));
        field(canonical, previous);
        return sha256(canonical.toString());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(StringBuilder out, String value) {
        if (value == null) {
            out.append('~');
        } else {
            out.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}

package io.openpaas.audit.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.openpaas.common.problem.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Retention: moves the records older than {@code openpaas.audit.retention} into an NDJSON file
 * (with their hashes, so it can be verified offline), records a checkpoint (the last archived
 * record's seq and hash, the file's SHA-256, chained to the previous checkpoint) and removes the
 * archived rows through {@code audit_admin.archive_through}, the one path the database allows.
 * Verification then starts from the newest checkpoint. Blocking (JDBC and files): runs on a
 * worker thread, hourly and on an admin's request.
 */
@ApplicationScoped
public class AuditArchiver {

    /** What one archive run did. */
    public record Checkpoint(long seq, String hash, long records, String archive, String archiveSha256, String checkpointHash) {
    }

    /** Advisory lock key serializing archive runs across replicas ("audit-ar" in ASCII). */
    private static final long ARCHIVE_LOCK = 0x61756469742d6172L;

    private final AgroalDataSource dataSource;
    private final AuditConfig config;
    private final ObjectMapper mapper;
    private final Path archiveDir;

    public AuditArchiver(AgroalDataSource dataSource, AuditConfig config, ObjectMapper mapper, ArchiveFiles archives) {
        this.dataSource = dataSource;
        this.config = config;
        this.mapper = mapper;
        this.archiveDir = archives.dir();
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.retention().isPresent()) {
            try {
                archive().ifPresent(c -> Log.infof("archived %d audit records up to seq %d into %s", c.records(), c.seq(), c.archive()));
            } catch (RuntimeException e) {
                Log.errorf("audit archiving failed, will retry next hour: %s", e.toString());
            }
        }
    }

    /** Archives what the retention allows; empty when nothing is old enough. */
    public synchronized Optional<Checkpoint> archive() {
        Duration retention = config.retention().orElseThrow(() -> ProblemException.conflict(
                "no retention is configured (OPENPAAS_AUDIT_RETENTION): audit records are kept for good"));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Checkpoint> made = archive(c, Instant.now().minus(retention));
                c.commit();
                return made;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    throw ProblemException.conflict("another archive run made a checkpoint at the same time; try again");
                }
                throw e;
            }
        } catch (SQLException e) {
            if ("P0001".equals(e.getSQLState())) {
                // refused by the database's own rules (audit_admin.archive_through)
                throw ProblemException.conflict("the database refused to archive: " + e.getMessage().lines().findFirst().orElse(""));
            }
            throw new IllegalStateException("audit archiving failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("audit archiving failed: " + e.getMessage(), e);
        }
    }

    private Optional<Checkpoint> archive(Connection c, Instant olderThan) throws SQLException, IOException {
        // replicas archive one after the other: the lock is the database's, held until commit, and the
        // unique index on checkpoints.previous refuses a second checkpoint after the same one anyway
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ARCHIVE_LOCK);
            ps.executeQuery().close();
        }
        long cutoff;
        try (PreparedStatement ps = c.prepareStatement("select max(seq) from audit_records where recorded_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(olderThan));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                cutoff = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.empty();
                }
            }
        }
        long after = 0;
        String previous = AuditChain.GENESIS;
        try (PreparedStatement ps = c.prepareStatement("select seq, checkpoint_hash from audit_checkpoints order by seq desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                after = rs.getLong(1);
                previous = rs.getString(2);
            }
        }
        if (cutoff <= after) {
            return Optional.empty();
        }
        if (!Files.isDirectory(archiveDir)) {
            Files.createDirectories(archiveDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String name = "audit-" + (after + 1) + "-" + cutoff + ".ndjson";
        Path file = archiveDir.resolve(name);
        Files.deleteIfExists(file); // left by a run that failed before its checkpoint committed
        MessageDigest sha = sha256();
        long records = 0;
        String lastHash = null;
        try (PreparedStatement ps = c.prepareStatement("select * from audit_records where seq > ? and seq <= ? order by seq")) {
            ps.setLong(1, after);
            ps.setLong(2, cutoff);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery();
                    FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    BufferedWriter out = new BufferedWriter(new java.io.OutputStreamWriter(
                            new DigestOutputStream(Channels.newOutputStream(channel), sha), StandardCharsets.UTF_8))) {
                while (rs.next()) {
                    ObjectNode line = mapper.createObjectNode();
                    for (String column : new String[] {"seq", "event_id", "type", "source", "resource", "project_id", "actor",
                        "correlation_id", "data", "prev_hash", "hash"}) {
                        line.put(column, rs.getString(column));
                    }
                    line.put("occurred_at", rs.getTimestamp("occurred_at").toInstant().toString());
                    line.put("recorded_at", rs.getTimestamp("recorded_at").toInstant().toString());
                    out.write(mapper.writeValueAsString(line));
                    out.write('\n');
                    lastHash = rs.getString("hash");
                    records++;
                }
                // on disk before the checkpoint that lets the rows go is committed
                out.flush();
                channel.force(true);
            }
        }
        try (FileChannel dir = FileChannel.open(archiveDir, StandardOpenOption.READ)) {
            dir.force(true); // the file's name too
        }
        String fileSha = HexFormat.of().formatHex(sha.digest());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String checkpointHash = AuditChain.checkpointHash(cutoff, lastHash, records, name, fileSha, now, previous);
        try (PreparedStatement ps = c.prepareStatement("insert into audit_checkpoints (seq, hash, records, archive, archive_sha256, "
                + "previous, checkpoint_hash, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, cutoff);
            ps.setString(2, lastHash);
            ps.setLong(3, records);
            ps.setString(4, name);
            ps.setString(5, fileSha);
            ps.setString(6, previous);
            ps.setString(7, checkpointHash);
            ps.setObject(8, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("select audit_admin.archive_through(?)")) {
            ps.setLong(1, cutoff);
            ps.executeQuery().close();
        }
        return Optional.of(new Checkpoint(cutoff, lastHash, records, name, fileSha, checkpointHash));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

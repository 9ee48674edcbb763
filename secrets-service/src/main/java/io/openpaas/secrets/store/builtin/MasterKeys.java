package io.openpaas.secrets.store.builtin;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.secrets.config.SecretsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The built-in store's master keys: where they come from, the check that they open what is
 * stored, and rotation.
 *
 * <p>Keys come from {@code OPENPAAS_SECRETS_MASTER_KEY} (plus {@code
 * OPENPAAS_SECRETS_PREVIOUS_MASTER_KEYS} while rotating by configuration), or from the key file,
 * made 0600 on first start, current key first. At start, every master key id that wraps a stored
 * data key must be known and must open one of them; otherwise the service refuses to start and
 * changes nothing (not even the key file). A rotation (file mode) makes a new key current, re-wraps
 * every data key while the service keeps serving, and retires the old key once none is left.
 */
public class MasterKeys {

    private static final Logger LOG = Logger.getLogger(MasterKeys.class);
    private static final int BATCH = 200;
    private final SecretsConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private final AtomicBoolean rotating = new AtomicBoolean();
    private volatile MasterKeyring ring;

    public MasterKeys(SecretsConfig config, Pool pool, Vertx vertx) {
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
    }

    public MasterKeyring ring() {
        MasterKeyring current = ring;
        if (current == null) {
            throw new IllegalStateException("the secrets master key is not loaded yet");
        }
        return current;
    }

    /** Loads the keys and checks them against the stored data keys (blocking, JDBC): at start, before any request. */
    public void load(DataSource dataSource) {
        Set<String> inUse = new LinkedHashSet<>();
        // up to five data keys per master key: the key is right when one of them opens (a single
        // altered row must not keep the service from starting; reading that group reports it)
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "select master_key_id, wrapped, label from (select k.master_key_id, k.wrapped, g.project_id || '/' || g.name as label, "
                        + "row_number() over (partition by k.master_key_id order by k.group_id) as n from data_keys k "
                        + "join secret_groups g on g.id = k.group_id) s where n <= 5")) {
            MasterKeyring loaded = configured();
            java.util.Map<String, List<Sample>> samples = new java.util.LinkedHashMap<>();
            while (rs.next()) {
                inUse.add(rs.getString(1));
                samples.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Sample(rs.getBytes(2), rs.getString(3)));
            }
            if (loaded == null) {
                if (!inUse.isEmpty()) {
                    throw refuse("no master key is configured and " + file() + " does not exist, but stored secrets are wrapped by "
                            + inUse);
                }
                loaded = createKeyFile();
            }
            for (var entry : samples.entrySet()) {
                if (!loaded.knows(entry.getKey())) {
                    throw refuse("stored secrets are wrapped by master key " + entry.getKey() + ", but the configured keys are " + loaded.ids());
                }
                boolean opens = false;
                for (Sample sample : entry.getValue()) {
                    try {
                        loaded.unwrap(entry.getKey(), sample.wrapped(), sample.label());
                        opens = true;
                        break;
                    } catch (Aead.Tampered e) {
                        LOG.warnf("the data key of %s does not open: it was altered", sample.label());
                    }
                }
                if (!opens) {
                    throw refuse("master key " + entry.getKey() + " opens none of the data keys it is said to wrap");
                }
            }
            this.ring = loaded;
            LOG.infof("secrets master key %s loaded from %s; data keys wrapped by %s", loaded.currentId(),
                    config.masterKey().isPresent() ? "OPENPAAS_SECRETS_MASTER_KEY" : file(), inUse);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the secrets schema to check the master key", e);
        }
    }

    /** A stored data key checked at start, and the group it belongs to. */
    private record Sample(byte[] wrapped, String label) {
    }

    /** True when data keys wrapped by an earlier key remain, so a re-wrap should run. */
    public boolean hasPreviousKeys() {
        return ring().ids().size() > 1;
    }

    private IllegalStateException refuse(String why) {
        return new IllegalStateException("The secrets master key does not match what is stored: " + why + ". Refusing to start; "
                + "nothing was changed. Configure the key in use (OPENPAAS_SECRETS_MASTER_KEY or " + file() + "), or give the old key "
                + "in OPENPAAS_SECRETS_PREVIOUS_MASTER_KEYS to rotate to a new one.");
    }

    private MasterKeyring configured() {
        if (config.masterKey().filter(k -> !k.isBlank()).isPresent()) {
            List<String> keys = new ArrayList<>();
            keys.add(config.masterKey().get());
            config.previousMasterKeys().ifPresent(keys::addAll);
            return MasterKeyring.parse(keys, "OPENPAAS_SECRETS_MASTER_KEY / OPENPAAS_SECRETS_PREVIOUS_MASTER_KEYS");
        }
        if (!Files.exists(file())) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(file()).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) {
                throw new IllegalStateException("the secrets master key file " + file() + " is empty");
            }
            return MasterKeyring.parse(lines, file().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secrets master key file " + file(), e);
        }
    }

    private MasterKeyring createKeyFile() {
        writeKeyFile(List.of(java.util.Base64.getEncoder().encodeToString(Aead.newKey())), false);
        return configured();
    }

    private Path file() {
        return Path.of(config.masterKeyFile());
    }

    /** Writes the key file 0600 through a temporary file; {@code replace} false keeps a file another instance made first. */
    private void writeKeyFile(List<String> keys, boolean replace) {
        Path file = file();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "secrets-master", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap((String.join("\n", keys) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                channel.force(true); // on disk before any data key is wrapped by it
            }
            if (replace) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    Files.move(tmp, file);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    Files.delete(tmp);
                }
            }
            try (java.nio.channels.FileChannel folder = java.nio.channels.FileChannel.open(file.getParent(),
                    java.nio.file.StandardOpenOption.READ)) {
                folder.force(true); // the rename too
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets master key file " + file, e);
        }
    }

    /** Called in a write's transaction after it stored a data key: fails it if a rotation retired that key meanwhile. */
    void checkStillKnown(String masterKeyId) {
        if (!ring().knows(masterKeyId)) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "the secrets master key was rotated during this write; send it again");
        }
    }

    /** What a rotation did. */
    public record Rotation(String masterKeyId, List<String> retired, long rewrapped) {
    }

    /** Rotates to a fresh master key (key-file mode only) and re-wraps every data key; the old key is retired when none is left. */
    public Uni<Rotation> rotate() {
        if (config.masterKey().filter(k -> !k.isBlank()).isPresent()) {
            return Uni.createFrom().failure(ProblemException.conflict("the master key comes from OPENPAAS_SECRETS_MASTER_KEY: set the new "
                    + "key there and the old one in OPENPAAS_SECRETS_PREVIOUS_MASTER_KEYS, then restart; data keys are re-wrapped at start"));
        }
        if (!rotating.compareAndSet(false, true)) {
            return Uni.createFrom().failure(ProblemException.conflict("a master key rotation is already running"));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            MasterKeyring next = ring().rotatedTo(Aead.newKey());
            writeKeyFile(next.encoded(), true); // the new key is on disk before anything is wrapped by it
            ring = next;
            return next;
        })).chain(next -> rewrap()).eventually(() -> rotating.set(false));
    }

    /** At start, a rotation left unfinished (or configured with previous keys) is finished, unless one already runs. */
    public Uni<Rotation> resume() {
        if (!rotating.compareAndSet(false, true)) {
            return Uni.createFrom().failure(ProblemException.conflict("a master key rotation is already running"));
        }
        return rewrap().eventually(() -> rotating.set(false));
    }

    /**
     * Re-wraps every data key not wrapped by the current key, in batches, while writes go on.
     * Then, under an exclusive lock on {@code data_keys} (which waits for every write in flight,
     * those holding a data key {@code for share} included), re-wraps all that is left and commits.
     * Only then are the earlier keys retired from memory; a last pass under the same lock re-wraps
     * what a write that had wrapped under an earlier key committed in between; then the key file
     * keeps the current key alone.
     */
    private Uni<Rotation> rewrap() {
        MasterKeyring held = ring();
        List<String> before = held.ids();
        return rewrapBatches(held, 0)
                .chain(count -> pool.withTransaction(c -> lockAll(c).chain(() -> rewrapAll(c, held, count))))
                .invoke(() -> ring = held.currentOnly())
                .chain(count -> pool.withTransaction(c -> lockAll(c).chain(() -> rewrapAll(c, held, count))))
                .chain(total -> vertx.executeBlocking(Uni.createFrom().item(() -> {
                    if (config.masterKey().filter(k -> !k.isBlank()).isEmpty()) {
                        writeKeyFile(ring().encoded(), true);
                    }
                    List<String> retired = new ArrayList<>(before);
                    retired.remove(ring().currentId());
                    LOG.infof("secrets master key rotated to %s: %d data keys re-wrapped, %s retired", ring().currentId(), total, retired);
                    return new Rotation(ring().currentId(), retired, total);
                })));
    }

    private static Uni<Void> lockAll(SqlConnection c) {
        return c.query("lock table data_keys in exclusive mode").execute().replaceWithVoid();
    }

    /** Batches while writes go on: rows a write holds are skipped here and taken under the lock. */
    private Uni<Long> rewrapBatches(MasterKeyring keys, long done) {
        return pool.withTransaction(c -> rewrapBatch(c, keys, true))
                .chain(n -> n == 0 ? Uni.createFrom().item(done) : rewrapBatches(keys, done + n));
    }

    /** Every row left, in the caller's (locked) transaction. */
    private Uni<Long> rewrapAll(SqlConnection c, MasterKeyring keys, long done) {
        return rewrapBatch(c, keys, false).chain(n -> n == 0 ? Uni.createFrom().item(done) : rewrapAll(c, keys, done + n));
    }

    private Uni<Long> rewrapBatch(SqlConnection c, MasterKeyring keys, boolean skipLocked) {
        return c.preparedQuery("select k.group_id, k.master_key_id, k.wrapped, g.project_id, g.name from data_keys k "
                + "join secret_groups g on g.id = k.group_id where k.master_key_id <> $1 limit " + BATCH + " for update of k"
                + (skipLocked ? " skip locked" : ""))
                .execute(Tuple.of(keys.currentId()))
                .chain(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    for (Row row : rows) {
                        String label = row.getUUID(3) + "/" + row.getString(4);
                        byte[] dataKey;
                        try {
                            dataKey = keys.unwrap(row.getString(1), row.getBuffer(2).getBytes(), label);
                        } catch (Aead.Tampered e) {
                            throw ProblemException.conflict("the data key of secret group " + label + " does not open (it was altered), so it "
                                    + "cannot be re-wrapped; the new master key is current and the old one stays until then: delete that "
                                    + "group (its values are lost) or restore its row, then rotate again");
                        }
                        updates.add(Tuple.of(keys.currentId(), io.vertx.core.buffer.Buffer.buffer(keys.wrap(dataKey, label)),
                                row.getUUID(0)));
                    }
                    if (updates.isEmpty()) {
                        return Uni.createFrom().item(0L);
                    }
                    return c.preparedQuery("update data_keys set master_key_id = $1, wrapped = $2 where group_id = $3")
                            .executeBatch(updates).replaceWith((long) updates.size());
                });
    }
}

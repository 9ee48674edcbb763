package io.openpaas.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The NDJSON archives that retention writes, and the check that one accounts for exactly the
 * records its checkpoint let leave the database: the file exists, has the recorded SHA-256, and
 * its lines form the chain from the previous checkpoint's record to this one's. A checkpoint
 * without such a file means records were removed without an archive.
 */
@ApplicationScoped
public class ArchiveFiles {

    /** The only names the archiver gives; anything else (a path, a traversal) is refused. */
    private static final Pattern NAME = Pattern.compile("audit-\\d+-\\d+\\.ndjson");

    private final Path dir;
    private final ObjectMapper mapper;

    public ArchiveFiles(AuditConfig config, ObjectMapper mapper, @ConfigProperty(name = "openpaas.state-dir") String stateDir) {
        this.dir = Path.of(config.archiveDir().orElse(Path.of(stateDir, "audit-archive").toString()));
        this.mapper = mapper;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Why the archive {@code name} does not account for the records after the one that had
     * {@code previousHash} up to seq {@code seq} with {@code hash}; empty when it does. Blocking.
     */
    public Optional<String> problemWith(String name, String sha256, long records, String previousHash, long seq, String hash) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.of("its archive name '" + name + "' is not one the archiver writes");
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.of("its archive " + name + " is missing: the records it removed cannot be accounted for");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String last = previousHash;
            long lastSeq = -1;
            long count = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new DigestInputStream(Files.newInputStream(file), digest),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode r = mapper.readTree(line);
                    AuditChain.Link link = new AuditChain.Link(r.path("seq").asLong(), text(r, "event_id"), text(r, "type"),
                            text(r, "source"), text(r, "resource"), text(r, "project_id"), text(r, "actor"), text(r, "correlation_id"),
                            Instant.parse(text(r, "occurred_at")), Instant.parse(text(r, "recorded_at")), text(r, "data"));
                    if (!last.equals(text(r, "prev_hash")) || !AuditChain.hash(link, last).equals(text(r, "hash"))) {
                        return Optional.of("its archive " + name + " does not hold the chain at seq " + link.seq());
                    }
                    last = text(r, "hash");
                    lastSeq = link.seq();
                    count++;
                }
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                return Optional.of("its archive " + name + " was changed (SHA-256 differs)");
            }
            if (count != records || lastSeq != seq || !last.equals(hash)) {
                return Optional.of("its archive " + name + " does not end at the checkpoint's record");
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("its archive " + name + " cannot be read: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Old records leave for an archive file behind a checkpoint; the chain stays verifiable. */
@QuarkusTest
@TestProfile(AuditRetentionTest.ShortRetention.class)
class AuditRetentionTest {

    static Path archives;

    /** Archiving takes every old record of a database: this class has a database of its own, made anew each run. */
    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(io.openpaas.common.testing.FreshDatabase.class,
                    Map.of("name", "openpaas_test_audit_retention")));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                archives = Files.createTempDirectory("audit-archive");
                return Map.of("openpaas.audit.retention", "PT2S", "openpaas.audit.archive-dir", archives.toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static StreamProbe nats;

    @BeforeAll
    static void connect() {
        nats = new StreamProbe();
    }

    @AfterAll
    static void close() {
        nats.close();
    }

    static String publish(String project) {
        String id = UUID.randomUUID().toString();
        nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(id, project, "paas.project.updated"), id);
        Await.value("stored", Duration.ofSeconds(15), 1L, () -> Sql.count("select count(*) from audit.audit_records where event_id = ?", id));
        return id;
    }

    @Test
    void archivedRecordsLeaveACheckpointFromWhichTheChainStillVerifies() throws Exception {
        String project = UUID.randomUUID().toString();
        String old = publish(project);
        Await.sleep(2500);

        // the database's own policy (superuser-owned) refuses to archive records younger than a day
        given().auth().oauth2(TestTokens.admin()).post("/api/v1/audit/archive").then().statusCode(409)
                .body("detail", containsString("younger than the retention policy"));
        Sql.execute("update audit_admin.retention_policy set min_age = interval '0'");
        var checkpoint = given().auth().oauth2(TestTokens.admin()).post("/api/v1/audit/archive").then().statusCode(200).extract();
        long seq = ((Number) checkpoint.path("seq")).longValue();
        assertEquals(0, Sql.count("select count(*) from audit.audit_records where event_id = ?", old));
        assertEquals(0, Sql.count("select count(*) from audit.audit_records where seq <= ?", seq));

        Path file = archives.resolve(checkpoint.<String>path("archive"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String archived = Files.readString(file);
        assertTrue(archived.contains(old), "the archive holds the removed record");
        assertEquals(checkpoint.<String>path("archive_sha256"), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));

        publish(project);
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/audit/verify").then().statusCode(200)
                .body("valid", equalTo(true), "from_seq", equalTo((int) seq));

        // a changed checkpoint is found
        Sql.tamper("update audit.audit_checkpoints set records = records + 1 where seq = ?", seq);
        try {
            given().auth().oauth2(TestTokens.admin()).get("/api/v1/audit/verify").then().statusCode(200)
                    .body("valid", equalTo(false), "broken_at.seq", equalTo((int) seq), "broken_at.reason", containsString("checkpoint"));
        } finally {
            Sql.tamper("update audit.audit_checkpoints set records = records - 1 where seq = ?", seq);
        }
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/audit/verify").then().body("valid", equalTo(true));

        // the service's role forges a well-chained checkpoint and removes records behind it: verify finds no archive
        String victim = publish(project);
        long victimSeq = Sql.count("select seq from audit.audit_records where event_id = ?", victim);
        String victimHash = Sql.text("select hash from audit.audit_records where event_id = ?", victim);
        String previous = Sql.text("select checkpoint_hash from audit.audit_checkpoints order by seq desc limit 1");
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String name = "audit-" + victimSeq + "-" + victimSeq + ".ndjson";
        String forged = io.openpaas.audit.chain.AuditChain.checkpointHash(victimSeq, victimHash, 1, name, "0".repeat(64), at, previous);
        Sql.executeAs("openpaas_audit", "insert into audit.audit_checkpoints (seq, hash, records, archive, archive_sha256, previous, "
                + "checkpoint_hash, created_at) values (" + victimSeq + ", '" + victimHash + "', 1, '" + name + "', '" + "0".repeat(64)
                + "', '" + previous + "', '" + forged + "', '" + at + "')");
        Sql.countAs("openpaas_audit", "select audit_admin.archive_through(" + victimSeq + ")");
        assertEquals(0, Sql.count("select count(*) from audit.audit_records where event_id = ?", victim));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/audit/verify").then().statusCode(200)
                .body("valid", equalTo(false), "broken_at.seq", equalTo((int) victimSeq),
                        "broken_at.reason", containsString("without a matching archive"));
    }

    @Test
    void theServiceRoleCannotRewriteWhatGuardsTheChain() throws Exception {
        Map<String, String> attacks = new java.util.LinkedHashMap<>();
        attacks.put("replace the trigger function",
                "create or replace function audit.audit_refuse_change() returns trigger language plpgsql as $$ begin return old; end $$");
        attacks.put("disable the triggers", "alter table audit.audit_records disable trigger all");
        attacks.put("shadow the retention policy", "create table audit.retention_policy (id smallint, min_age interval)");
        attacks.put("a function of its own", "create function audit.f() returns int language sql as 'select 1'");
        attacks.put("change a checkpoint", "update audit.audit_checkpoints set records = 0");
        attacks.put("drop the records", "drop table audit.audit_records");
        attacks.put("re-grant itself delete", "alter table audit.audit_records owner to openpaas_audit");
        for (var attack : attacks.entrySet()) {
            SQLException refused = assertThrows(SQLException.class, () -> Sql.executeAs("openpaas_audit", attack.getValue()), attack.getKey());
            assertTrue(java.util.Set.of("42501", "P0001").contains(refused.getSQLState()), attack.getKey() + ": " + refused.getSQLState()
                    + " " + refused.getMessage());
        }
        Sql.executeAs("openpaas_audit", "grant delete on audit.audit_records to openpaas_audit"); // only a warning: nothing granted
        SQLException delete = assertThrows(SQLException.class, () -> Sql.executeAs("openpaas_audit", "delete from audit.audit_records"));
        assertEquals("42501", delete.getSQLState());
        assertEquals("openpaas_audit_owner", Sql.text("select tableowner from pg_tables where schemaname = 'audit' and tablename = 'audit_records'"));
        assertEquals("openpaas_audit_owner", Sql.text("select nspowner::regrole::text from pg_namespace where nspname = 'audit'"));
    }

    /** Two checkpoints after the same one would fork the chain: the database refuses the second, whoever inserts it. */
    @Test
    void theDatabaseRefusesAForkOfTheCheckpointChain() throws SQLException {
        String previous = "f".repeat(64);
        String insert = "insert into audit.audit_checkpoints (seq, hash, records, archive, archive_sha256, previous, checkpoint_hash, "
                + "created_at) values (%d, '%s', 0, 'audit-0-0.ndjson', '%s', '" + previous + "', '%s', now())";
        try {
            Sql.executeAs("openpaas_audit", String.format(insert, 900_000_001L, "a".repeat(64), "a".repeat(64), "b".repeat(64)));
            SQLException fork = assertThrows(SQLException.class, () -> Sql.executeAs("openpaas_audit",
                    String.format(insert, 900_000_002L, "c".repeat(64), "c".repeat(64), "d".repeat(64))));
            assertEquals("23505", fork.getSQLState());
        } finally {
            Sql.tamper("delete from audit.audit_checkpoints where previous = ?", previous);
        }
    }

    @Test
    void theServiceRoleCannotRemoveRecordsAnyOtherWay() {
        SQLException noCheckpoint = assertThrows(SQLException.class,
                () -> Sql.executeAs("openpaas_audit", "select audit_admin.archive_through((select max(seq) from audit.audit_records))"));
        assertTrue(noCheckpoint.getMessage().contains("no checkpoint"), noCheckpoint.getMessage());
        SQLException policy = assertThrows(SQLException.class,
                () -> Sql.executeAs("openpaas_audit", "update audit_admin.retention_policy set min_age = interval '0'"));
        assertEquals("42501", policy.getSQLState());
        SQLException checkpoints = assertThrows(SQLException.class,
                () -> Sql.executeAs("openpaas_audit", "delete from audit.audit_checkpoints"));
        assertEquals("42501", checkpoints.getSQLState());
    }
}

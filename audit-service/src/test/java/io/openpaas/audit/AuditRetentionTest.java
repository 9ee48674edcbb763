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

    public static class ShortRetention implements QuarkusTestProfile {
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
        Sql.execute("update audit_admin.retention_policy set min_age = interval '1 day'");
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

package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit trail is append-only and tamper-evident. */
@QuarkusTest
class AuditChainTest {

    static StreamProbe nats;

    /** The stored columns (the computed domain column cannot be written). */
    static final String COLUMNS = "seq, event_id, type, source, resource, project_id, actor, correlation_id, occurred_at, recorded_at, data, "
            + "prev_hash, hash";

    @BeforeAll
    static void connect() {
        nats = new StreamProbe();
    }

    @AfterAll
    static void close() {
        nats.close();
    }

    /** The head of the chain now: verification of this test's records starts after it. */
    record Checkpoint(long seq, String hash) {
    }

    static Checkpoint checkpoint() {
        return new Checkpoint(Sql.count("select seq from audit.audit_chain_head"), Sql.text("select hash from audit.audit_chain_head"));
    }

    static ValidatableResponse verify(Checkpoint from) {
        return given().auth().oauth2(TestTokens.admin()).queryParam("after_seq", from.seq()).queryParam("hash", from.hash())
                .get("/api/v1/audit/verify").then().statusCode(200);
    }

    static List<Long> record(String project, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(id, project, "paas.project.updated"), id);
        }
        Await.value("records", Duration.ofSeconds(15), (long) n,
                () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        List<Long> seqs = new ArrayList<>();
        for (String id : ids) {
            seqs.add(Sql.count("select seq from audit.audit_records where event_id = ?", id));
        }
        return seqs;
    }

    @Test
    void aChangedRecordIsFoundAtItsPosition() {
        Checkpoint from = checkpoint();
        List<Long> seqs = record(UUID.randomUUID().toString(), 5);
        verify(from).body("valid", equalTo(true), "checked", greaterThanOrEqualTo(5));
        long victim = seqs.get(2);
        String original = Sql.text("select data from audit.audit_records where seq = ?", victim);
        Sql.tamper("update audit.audit_records set data = '{\"name\":\"forged\"}' where seq = ?", victim);
        try {
            verify(from).body("valid", equalTo(false), "broken_at.seq", equalTo((int) victim),
                    "broken_at.reason", containsString("changed"));
        } finally {
            Sql.tamper("update audit.audit_records set data = ? where seq = ?", original, victim);
        }
        verify(from).body("valid", equalTo(true));
    }

    /** Java (each append) and the migration's own SQL function (audit_record_hash) agree on every stored record, unicode included. */
    @Test
    void javaAndTheMigrationsSqlFunctionComputeTheSameHashes() {
        String project = UUID.randomUUID().toString();
        List<String> bodies = List.of(
                AuditRecorderTest.event(UUID.randomUUID().toString(), project, "paas.project.updated").replace("\"x\"", "\"é 💥 漢字 \\\" \\\\\""),
                AuditRecorderTest.event(UUID.randomUUID().toString(), project, "paas.project.updated").replace("\"actor\":\"tester\",", ""),
                AuditRecorderTest.event(UUID.randomUUID().toString(), project, "paas.project.updated").replace("{\"name\":\"x\"}",
                        "{\"nested\":{\"list\":[1,2.5,null,true],\"empty\":\"\"}}"));
        for (String body : bodies) {
            String id = io.restassured.path.json.JsonPath.from(body).getString("id");
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", body, id);
        }
        Await.value("records", Duration.ofSeconds(15), 3L, () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        assertEquals(1, Sql.count("select count(*) from audit.audit_records where project_id = ? and actor is null", project),
                "a record without actor is among them");
        // the function resolves its helpers in the audit schema, as when the migration ran
        assertEquals(3, Sql.countIn("audit", "select count(*) from audit_records r where r.project_id = ? "
                + "and audit_record_hash(r, r.prev_hash) = r.hash", project));
    }

    /** Whatever field of a record is changed, verify finds the record; the chain is whole again once it is put back. */
    @Test
    void changingAnyFieldIsFound() {
        Checkpoint from = checkpoint();
        List<Long> seqs = record(UUID.randomUUID().toString(), 3);
        long victim = seqs.get(1);
        java.util.Map<String, String> changes = new java.util.LinkedHashMap<>();
        for (String column : List.of("event_id", "type", "source", "resource", "project_id", "actor", "correlation_id", "data")) {
            changes.put(column, "coalesce(" + column + ", '') || 'x'");
        }
        changes.put("occurred_at", "occurred_at + interval '1 microsecond'");
        changes.put("recorded_at", "recorded_at - interval '1 microsecond'");
        changes.put("prev_hash", "repeat('f', 64)");
        changes.put("hash", "repeat('e', 64)");
        String saved = "audit.tamper_field_" + victim;
        Sql.execute("create table " + saved + " as select " + COLUMNS + " from audit.audit_records where seq = " + victim);
        try {
            for (var change : changes.entrySet()) {
                Sql.tamper("update audit.audit_records set " + change.getKey() + " = " + change.getValue() + " where seq = ?", victim);
                verify(from).body("valid", equalTo(false), "broken_at.seq", equalTo((int) victim));
                Sql.tamper("delete from audit.audit_records where seq = ?", victim);
                Sql.tamper("insert into audit.audit_records (" + COLUMNS + ") select " + COLUMNS + " from " + saved);
            }
        } finally {
            Sql.execute("drop table " + saved);
        }
        verify(from).body("valid", equalTo(true), "checked", greaterThanOrEqualTo(3));
    }

    /** Removing the newest records leaves the chain head pointing past the end: found. */
    @Test
    void aRemovedTailIsFound() {
        Checkpoint from = checkpoint();
        record(UUID.randomUUID().toString(), 2);
        long head = Sql.count("select seq from audit.audit_chain_head");
        String saved = "audit.tamper_tail_" + head;
        Sql.execute("create table " + saved + " as select " + COLUMNS + " from audit.audit_records where seq = " + head);
        Sql.tamper("delete from audit.audit_records where seq = ?", head);
        try {
            verify(from).body("valid", equalTo(false), "broken_at.reason", containsString("newest record"));
        } finally {
            Sql.tamper("insert into audit.audit_records (" + COLUMNS + ") select " + COLUMNS + " from " + saved);
            Sql.execute("drop table " + saved);
        }
        verify(from).body("valid", equalTo(true));
    }

    @Test
    void aRemovedRecordIsFoundAtTheNextOne() {
        Checkpoint from = checkpoint();
        List<Long> seqs = record(UUID.randomUUID().toString(), 4);
        long victim = seqs.get(1);
        String saved = "audit.tamper_saved_" + victim;
        Sql.execute("create table " + saved + " as select " + COLUMNS + " from audit.audit_records where seq = " + victim);
        // the next stored record: other consumers may have appended in between
        long next = Sql.count("select min(seq) from audit.audit_records where seq > ?", victim);
        Sql.tamper("delete from audit.audit_records where seq = ?", victim);
        try {
            verify(from).body("valid", equalTo(false), "broken_at.seq", equalTo((int) next),
                    "broken_at.reason", containsString("removed"));
        } finally {
            Sql.tamper("insert into audit.audit_records (" + COLUMNS + ") select " + COLUMNS + " from " + saved);
            Sql.execute("drop table " + saved);
        }
        verify(from).body("valid", equalTo(true), "checked", greaterThanOrEqualTo(4));
    }

    @Test
    void theServiceRoleCanOnlyInsertAndRead() throws SQLException {
        // it reads what a superuser sees (and appends: every other test stores records through it)
        assertEquals(Sql.count("select count(*) from audit.audit_records where seq <= 10"),
                Sql.countAs("openpaas_audit", "select count(*) from audit.audit_records where seq <= 10"));
        SQLException update = assertThrows(SQLException.class,
                () -> Sql.executeAs("openpaas_audit", "update audit.audit_records set actor = 'me' where seq = (select max(seq) from audit.audit_records)"));
        assertEquals("42501", update.getSQLState());
        SQLException delete = assertThrows(SQLException.class,
                () -> Sql.executeAs("openpaas_audit", "delete from audit.audit_records where seq = (select max(seq) from audit.audit_records)"));
        assertEquals("42501", delete.getSQLState());
        SQLException truncate = assertThrows(SQLException.class, () -> Sql.executeAs("openpaas_audit", "truncate audit.audit_records"));
        assertEquals("42501", truncate.getSQLState());
        // and even a role that is granted the right again meets the trigger
        IllegalStateException viaTrigger = assertThrows(IllegalStateException.class,
                () -> Sql.execute("update audit.audit_records set actor = actor where seq = (select max(seq) from audit.audit_records)"));
        assertTrue(viaTrigger.getCause().getMessage().contains("append-only"), viaTrigger.getCause().getMessage());
    }

    @Test
    void duplicatedAndOutOfOrderDeliveriesGiveOneRecordEachAndAValidChain() {
        Checkpoint from = checkpoint();
        String project = UUID.randomUUID().toString();
        String late = UUID.randomUUID().toString();
        String early = UUID.randomUUID().toString();
        String lateBody = AuditRecorderTest.event(late, project, "paas.project.updated").replace("2026-11-26T21:00:00Z", "2026-11-26T22:00:00Z");
        nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", lateBody, late);
        nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(early, project, "paas.project.updated"), early);
        nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", lateBody, late + "-again");
        Await.value("two records", Duration.ofSeconds(15), 2L, () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        // a marker after them: once stored, the repeated delivery has been through the consumer too
        String marker = UUID.randomUUID().toString();
        nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(marker, project, "paas.project.updated"), marker);
        Await.value("the marker", Duration.ofSeconds(15), 1L, () -> Sql.count("select count(*) from audit.audit_records where event_id = ?", marker));
        assertEquals(3, Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        verify(from).body("valid", equalTo(true), "checked", greaterThanOrEqualTo(2));
    }

    @Test
    void anExportStreamsTheFilteredRecordsOldestFirstWithTheirHashes() {
        String project = UUID.randomUUID().toString();
        List<Long> seqs = record(project, 3);
        String body = given().auth().oauth2(TestTokens.admin()).queryParam("project", project).get("/api/v1/audit/export")
                .then().statusCode(200).contentType(containsString("application/x-ndjson")).extract().asString();
        List<String> lines = body.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(3, lines.size(), body);
        for (int i = 0; i < 3; i++) {
            io.restassured.path.json.JsonPath line = io.restassured.path.json.JsonPath.from(lines.get(i));
            assertEquals(seqs.get(i).longValue(), line.getLong("seq"));
            assertEquals(64, line.getString("hash").length());
            assertEquals(project, line.getString("project_id"));
        }
    }
}

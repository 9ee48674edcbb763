package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nats.client.impl.Headers;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A message that fails on its own, while the database is fine, is parked after max-deliver
 * tries with its reason, without holding back the events around it; admins list, replay and
 * discard dead letters.
 */
@QuarkusTest
class DeadLetterAdminTest {

    static final String CONSUMER = "audit-recorder-project-test";
    static final String API = "/api/v1/admin/dead-letters/audit";

    @Test
    void anEventTheDatabaseRefusesIsParkedWithItsReasonAndTheOthersAreStored() {
        try (StreamProbe nats = new StreamProbe()) {
            String project = UUID.randomUUID().toString();
            String before = UUID.randomUUID().toString();
            String poison = UUID.randomUUID().toString();
            String after = UUID.randomUUID().toString();
            long parked = nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER);
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(before, project, "paas.project.updated"), before);
            // a valid event, but its time is past what a record can hold: applying it fails every time
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated",
                    AuditRecorderTest.event(poison, project, "paas.project.updated").replace("2026-11-26T21:00:00Z", "+300000-01-01T00:00:00Z"), poison);
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated", AuditRecorderTest.event(after, project, "paas.project.updated"), after);

            Await.value("the good events", Duration.ofSeconds(30), 2L,
                    () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
            Await.value("the poison event parked", Duration.ofSeconds(30), parked + 1,
                    () -> nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER));
            assertEquals(0, Sql.count("select count(*) from audit.audit_records where event_id = ?", poison));

            Map<String, Object> letter = find(poison);
            String reason = (String) letter.get("reason");
            // it decoded: the handler refused it (the time does not fit the record), and the reason says so
            org.junit.jupiter.api.Assertions.assertTrue(!reason.startsWith("malformed") && (reason.contains("overflow")
                    || reason.contains("22008") || reason.contains("out of range")), reason);
            assertEquals("paas.project." + project + ".updated", letter.get("original_subject"));
            assertEquals(CONSUMER, letter.get("consumer"));

            long seq = ((Number) letter.get("seq")).longValue();
            given().auth().oauth2(TestTokens.admin()).post(API + "/" + seq + "/replay").then().statusCode(409)
                    .contentType("application/problem+json").body("detail", containsString("stays parked"));
            String admin = UUID.randomUUID().toString();
            given().auth().oauth2(TestTokens.forUser(admin, true)).delete(API + "/" + seq).then().statusCode(204);
            assertEquals(1, Sql.count("select count(*) from audit.outbox_events where subject = 'paas.security._.dead_letter_discarded' "
                    + "and payload like ? and payload like ?", "%\"actor\":\"" + admin + "\"%", "%\"event_id\":\"" + poison + "\"%"));
            given().auth().oauth2(TestTokens.admin()).post(API + "/" + seq + "/replay").then().statusCode(404);
            assertEquals(parked, nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER));
        }
    }

    @Test
    void aReplayedDeadLetterIsAppliedOnceAndRemoved() throws Exception {
        try (StreamProbe nats = new StreamProbe()) {
            String project = UUID.randomUUID().toString();
            String id = UUID.randomUUID().toString();
            // parked earlier (say, while a bug was live), now fixable: exactly what the runner writes
            Headers headers = new Headers().put("OpenPaaS-Reason", "a bug since fixed").put("OpenPaaS-Consumer", CONSUMER)
                    .put("OpenPaaS-Original-Subject", "paas.project." + project + ".created");
            nats.connection().jetStream().publish("deadletter." + CONSUMER, headers,
                    AuditRecorderTest.event(id, project, "paas.project.created").getBytes(StandardCharsets.UTF_8));
            long seq = ((Number) find(id).get("seq")).longValue();

            given().auth().oauth2(TestTokens.user(UUID.randomUUID().toString())).post(API + "/" + seq + "/replay").then().statusCode(403);
            String admin = UUID.randomUUID().toString();
            given().auth().oauth2(TestTokens.forUser(admin, true)).post(API + "/" + seq + "/replay").then().statusCode(200)
                    .body("event_id", equalTo(id), "applied", equalTo(true));
            assertEquals(1, Sql.count("select count(*) from audit.audit_records where event_id = ?", id));
            // the admin's act is an event of its own, with the admin as actor, committed with the replay
            assertEquals(1, Sql.count("select count(*) from audit.outbox_events where subject = 'paas.security._.dead_letter_replayed' "
                    + "and payload like ? and payload like ?", "%\"actor\":\"" + admin + "\"%", "%\"event_id\":\"" + id + "\"%"));
            given().auth().oauth2(TestTokens.admin()).post(API + "/" + seq + "/replay").then().statusCode(404);
            org.junit.jupiter.api.Assertions.assertNull(findOrNull(id), "removed from the dead letters");
        }
    }

    private static Map<String, Object> find(String eventId) {
        Map<String, Object> found = findOrNull(eventId);
        org.junit.jupiter.api.Assertions.assertNotNull(found, "dead letter of " + eventId + " listed");
        return found;
    }

    private static Map<String, Object> findOrNull(String eventId) {
        String cursor = null;
        do {
            var page = given().auth().oauth2(TestTokens.admin()).queryParam("limit", 200)
                    .queryParam("cursor", cursor == null ? "" : cursor).get(API).then().statusCode(200).extract();
            List<Map<String, Object>> items = page.path("items");
            for (Map<String, Object> item : items) {
                if (eventId.equals(item.get("event_id"))) {
                    return item;
                }
            }
            cursor = page.path("next_cursor");
        } while (cursor != null);
        return null;
    }
}

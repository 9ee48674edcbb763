package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nats.client.api.PublishAck;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditRecorderTest {

    static StreamProbe nats;

    @BeforeAll
    static void connect() {
        nats = new StreamProbe();
    }

    @AfterAll
    static void close() {
        if (nats != null) {
            nats.close();
        }
    }

    static String event(String id, String project, String type) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/test\",\"type\":\"" + type + "\",\"subject\":\"" + project
                + "\",\"time\":\"2026-11-26T21:00:00Z\",\"datacontenttype\":\"application/json\",\"projectid\":\"" + project
                + "\",\"actor\":\"tester\",\"correlationid\":\"c-1\",\"data\":{\"name\":\"x\"}}";
    }

    static PublishAck publish(String subject, String body, String msgId) {
        return nats.publish("PAAS_PROJECT", subject, body, msgId);
    }

    @Test
    void storesAnEventOnceEvenWhenItIsDeliveredTwice() throws Exception {
        String id = UUID.randomUUID().toString();
        String project = UUID.randomUUID().toString();
        String body = event(id, project, "paas.project.created");
        // two distinct messages carrying the same event: JetStream keeps both, the inbox applies one
        publish("paas.project." + project + ".created", body, id);
        publish("paas.project." + project + ".created", body, id + "-redelivery");
        assertEquals(2, nats.count("PAAS_PROJECT", "paas.project." + project + ".>"));

        // a marker published after both: once it is stored, both copies have been through the consumer (in order)
        String marker = UUID.randomUUID().toString();
        String elsewhere = UUID.randomUUID().toString();
        publish("paas.project." + elsewhere + ".updated", event(marker, elsewhere, "paas.project.updated"), marker);
        Await.value("the marker stored", Duration.ofSeconds(15), 1L,
                () -> Sql.count("select count(*) from audit.audit_records where event_id = ?", marker));
        assertEquals(1, Sql.count("select count(*) from audit.audit_records where event_id = ?", id));
        assertEquals(1, Sql.count("select count(*) from audit.inbox_events where event_id = ?", id));

        given().auth().oauth2(TestTokens.admin()).queryParam("project", project).get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.size()", equalTo(1), "items[0].event_id", equalTo(id), "items[0].type", equalTo("paas.project.created"),
                        "items[0].actor", equalTo("tester"), "items[0].data.name", equalTo("x"));
    }

    @Test
    void listsNewestFirstWithACursor() throws Exception {
        String project = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            publish("paas.project." + project + ".updated", event(id, project, "paas.project.updated"), id);
        }
        Await.value("records", Duration.ofSeconds(15), 3L,
                () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        var first = given().auth().oauth2(TestTokens.admin()).queryParam("project", project).queryParam("limit", 2).get("/api/v1/audit");
        first.then().statusCode(200).body("items.size()", equalTo(2));
        long newest = ((Number) first.path("items[0].seq")).longValue();
        long next = ((Number) first.path("items[1].seq")).longValue();
        org.junit.jupiter.api.Assertions.assertTrue(newest > next);
        given().auth().oauth2(TestTokens.admin()).queryParam("project", project).queryParam("limit", 2)
                .queryParam("cursor", first.<String>path("next_cursor")).get("/api/v1/audit")
                .then().statusCode(200).body("items.size()", equalTo(1), "next_cursor", equalTo(null));
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterSubject() throws Exception {
        String project = UUID.randomUUID().toString();
        long before = nats.count("PAAS_DEADLETTER", "deadletter.audit-recorder-project-test");
        publish("paas.project." + project + ".created", "{not json", UUID.randomUUID().toString());
        Await.value("dead letter", Duration.ofSeconds(15), before + 1,
                () -> nats.count("PAAS_DEADLETTER", "deadletter.audit-recorder-project-test"));
    }

    @Test
    void aUserWhoOwnsNothingReadsNothing() {
        given().get("/api/v1/audit").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user(UUID.randomUUID().toString())).get("/api/v1/audit").then().statusCode(200)
                .body("items.size()", equalTo(0));
        given().auth().oauth2(TestTokens.admin()).queryParam("from", "yesterday").get("/api/v1/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("from"));
    }

    @Test
    void typeFiltersTakeADomainAWholeTypeOrAnyPrefix() {
        String project = UUID.randomUUID().toString();
        String created = UUID.randomUUID().toString();
        String updated = UUID.randomUUID().toString();
        publish("paas.project." + project + ".created", event(created, project, "paas.project.created"), created);
        publish("paas.project." + project + ".updated", event(updated, project, "paas.project.updated"), updated);
        Await.value("records", Duration.ofSeconds(15), 2L, () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
        for (var filter : java.util.Map.of("paas.project.", 2, "paas.project", 2, "paas.project.created", 1, "paas.proj", 2, "paas.build.", 0).entrySet()) {
            given().auth().oauth2(TestTokens.admin()).queryParam("project", project).queryParam("type", filter.getKey()).get("/api/v1/audit")
                    .then().statusCode(200).body("items.size()", equalTo(filter.getValue()));
        }
    }
}

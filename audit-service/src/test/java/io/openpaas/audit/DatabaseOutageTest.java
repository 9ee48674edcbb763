package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.DatabaseOutage;
import io.openpaas.common.testing.Metrics;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A database outage is waited out, never dead-lettered: the events published meanwhile are
 * stored once the database is back, and the service says it is not ready while it lasts.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.Profile.class)
class DatabaseOutageTest {

    /** Its own Quarkus start, so the reactive client goes through the cuttable proxy. */
    public static class Profile implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(DatabaseOutage.class));
        }
    }

    static final String CONSUMER = "audit-recorder-project-test";

    @Test
    void eventsPublishedDuringAnOutageAreStoredAfterItAndNoneIsDeadLettered() throws Exception {
        Await.until("ready", Duration.ofSeconds(30), () -> given().get("/health/ready").statusCode() == 200);
        try (StreamProbe nats = new StreamProbe()) {
            long deadBefore = nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER);
            double failuresBefore = Metrics.consumerCounter("openpaas_consumer_infrastructure_failures_total", CONSUMER);
            String project = UUID.randomUUID().toString();

            DatabaseOutage.proxy().cut();
            try {
                for (int i = 0; i < 3; i++) {
                    String id = UUID.randomUUID().toString();
                    nats.publish("PAAS_PROJECT", "paas.project." + project + ".updated",
                            AuditRecorderTest.event(id, project, "paas.project.updated"), id);
                }
                // far more failed tries than the two a poison message gets before it is parked
                Await.until("repeated infrastructure failures", Duration.ofSeconds(30),
                        () -> Metrics.consumerCounter("openpaas_consumer_infrastructure_failures_total", CONSUMER) >= failuresBefore + 6);
                given().get("/health/ready").then().statusCode(503).body("checks.name", hasItem("event-consumers"));
                assertEquals(deadBefore, nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER), "nothing dead-lettered during the outage");
            } finally {
                DatabaseOutage.proxy().restore();
            }

            Await.value("events stored after the outage", Duration.ofSeconds(30), 3L,
                    () -> Sql.count("select count(*) from audit.audit_records where project_id = ?", project));
            Await.until("ready again", Duration.ofSeconds(30), () -> given().get("/health/ready").statusCode() == 200);
            assertEquals(deadBefore, nats.count("PAAS_DEADLETTER", "deadletter." + CONSUMER));
            assertTrue(Metrics.consumerCounter("openpaas_consumer_infrastructure_failures_total", CONSUMER) >= failuresBefore + 6);
        }
    }
}

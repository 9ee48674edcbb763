package io.openpaas.project.outbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openpaas.common.outbox.OutboxRelay;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A change committed while no relay runs is published when the relay comes back, exactly once. */
@QuarkusTest
@TestProfile(RelayStoppedProfile.class)
class OutboxRecoveryTest {

    @Inject
    OutboxRelay relay;

    @Test
    void publishesWhatWasCommittedBeforeTheCrashOnceAfterRestart() throws Exception {
        String id = given().auth().oauth2(TestTokens.user(UUID.randomUUID().toString())).contentType(ContentType.JSON)
                .body("{\"name\":\"Crash\",\"slug\":\"crash-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/v1/projects").then().statusCode(201).extract().path("id");
        try (StreamProbe stream = new StreamProbe()) {
            Await.sleep(1500); // longer than a sweep: nothing may leave while the relay is down
            assertEquals(0, stream.count("PAAS_PROJECT", "paas.project." + id + ".>"));
            assertEquals(1, Sql.count("select count(*) from projects.outbox_events where sent_at is null and subject = ?",
                    "paas.project." + id + ".created"));

            relay.start(); // the restarted process's relay: its first sweep finds the committed row
            Await.value("published after restart", Duration.ofSeconds(10), 1L,
                    () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
            Await.value("marked sent", Duration.ofSeconds(10), 0L,
                    () -> Sql.count("select count(*) from projects.outbox_events where sent_at is null and subject like ?",
                            "paas.project." + id + ".%"));

            // the ack was lost after JetStream stored it: the relay publishes again, JetStream drops the duplicate
            relay.stop();
            Sql.execute("update projects.outbox_events set sent_at = null where subject = ?", "paas.project." + id + ".created");
            assertEquals(1, relay.publishPending());
            assertEquals(1, stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
        }
    }

    /** Two relays draining one outbox at once (two processes of the service): each row is published by exactly one. */
    @Test
    void twoRelaysOnOneOutboxPublishEachEventOnce() throws Exception {
        String owner = UUID.randomUUID().toString();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(given().auth().oauth2(TestTokens.user(owner)).contentType(ContentType.JSON)
                    .body("{\"name\":\"Two relays\",\"slug\":\"relays-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                    .post("/api/v1/projects").then().statusCode(201).extract().path("id"));
        }
        long pending = Sql.count("select count(*) from projects.outbox_events where sent_at is null");
        org.junit.jupiter.api.Assertions.assertTrue(pending >= 40, "two events per project pending: " + pending);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Callable<Integer> relayProcess = () -> {
                together.await();
                int published = 0;
                for (int n; (n = relay.publishPending()) > 0; ) {
                    published += n;
                }
                return published;
            };
            var a = two.submit(relayProcess);
            var b = two.submit(relayProcess);
            assertEquals(pending, (long) a.get() + b.get(), "every pending row published once, by one relay or the other");
        } finally {
            two.shutdownNow();
        }
        try (StreamProbe stream = new StreamProbe()) {
            for (String id : ids) {
                assertEquals(1, stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
            }
        }
        assertEquals(0, Sql.count("select count(*) from projects.outbox_events where sent_at is null"));
    }
}

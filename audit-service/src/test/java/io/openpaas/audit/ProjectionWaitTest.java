package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A request for a project the caller is not known in waits for the membership projection
 * without polling it: one lookup, one more per change of that project and a last one at the
 * deadline, and it is answered as soon as the membership arrives.
 */
@QuarkusTest
class ProjectionWaitTest {

    static double lookups() {
        return io.openpaas.common.testing.Metrics.counter("openpaas_members_projection_lookups_total");
    }

    static void member(StreamProbe nats, String project, String user, String role) {
        String id = UUID.randomUUID().toString();
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/project-service\",\"type\":\"paas.member.added\""
                + ",\"subject\":\"" + user + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\",\"projectid\":\""
                + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":{\"project_id\":\"" + project + "\",\"user_id\":\""
                + user + "\",\"role\":\"" + role + "\"}}";
        nats.publish("PAAS_MEMBER", "paas.member." + project + ".added", body, id);
    }

    @Test
    void aNonMemberCostsOneLookupNotAPoll() {
        try (StreamProbe nats = new StreamProbe()) {
            String project = UUID.randomUUID().toString();
            String owner = UUID.randomUUID().toString();
            member(nats, project, owner, "owner");
            Await.until("owner projected", Duration.ofSeconds(15), () -> given().auth().oauth2(TestTokens.user(owner))
                    .queryParam("project", project).get("/api/v1/audit").statusCode() == 200);

            double before = lookups();
            long started = System.nanoTime();
            given().auth().oauth2(TestTokens.user(UUID.randomUUID().toString())).queryParam("project", project).get("/api/v1/audit")
                    .then().statusCode(404);
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis >= 1900, "it waited for the projection: " + waitedMillis + " ms");
            assertEquals(2, lookups() - before, "lookups for one non-member request that waited " + waitedMillis + " ms");
        }
    }

    @Test
    void aMembershipArrivingDuringTheWaitAnswersTheRequest() throws Exception {
        try (StreamProbe nats = new StreamProbe()) {
            String project = UUID.randomUUID().toString();
            String user = UUID.randomUUID().toString();
            double before = lookups();
            long started = System.nanoTime();
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> given().auth().oauth2(TestTokens.user(user))
                    .queryParam("project", project).get("/api/v1/audit").statusCode());
            Await.until("the request looked once and waits", Duration.ofSeconds(5), () -> lookups() > before);
            member(nats, project, user, "owner");
            assertEquals(200, status.get());
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            // woken by the projector's commit, not by the 2 s deadline's last look
            assertTrue(tookMillis < 1500, "answered after " + tookMillis + " ms");
        }
    }
}

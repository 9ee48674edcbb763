package io.openpaas.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What happens to a rollout after it was asked for: new settings roll the service, a failure rolls
 * back when the service asks, a cancel stops it before it touches the traffic, and a replica that
 * dies is reported.
 */
@QuarkusTest
class RolloutLifecycleTest extends DeployWorld {

    String newest(String trigger) {
        return Sql.text("select cast(id as text) from deploys.deployments where service_id = ?::uuid and trigger = ? order by id desc limit 1",
                service, trigger);
    }

    @Test
    void newRuntimeSettingsRollTheRunningServiceAndOtherChangesDoNot() {
        String first = deploy(v1);
        awaitAvailable(first);
        updateService("changed", false);
        String rolled = newest("config");
        assertTrue(rolled != null, "a rollout of the new settings was queued with the projection");
        awaitAvailable(rolled);
        assertTrue(Sql.text("select spec from deploys.deployments where id = ?::uuid", rolled).contains("\"MODE\":\"changed\""));
        assertEquals(v1, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + rolled).path("image"), "the same image");
        assertTrue(inspectEnv().contains("MODE=changed"), "the running replica has the new environment");
        assertEquals("200 flow one", get());

        // only the auto-rollback switch changed: nothing to roll (decided in the projection's transaction)
        updateService("changed", true);
        assertEquals(1, Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid and trigger = 'config'", service));
    }

    /** The environment of the service's running replica, as the engine reports it. */
    String inspectEnv() {
        String replica = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/status").path("current_deployment");
        try {
            Process p = new ProcessBuilder("bash", "-c", "curl -s --unix-socket " + System.getenv("OPENPAAS_DOCKER_HOST").replace("unix://", "")
                    + " 'http://d/v1.41/containers/json?filters=%7B%22label%22%3A%5B%22io.openpaas.deployment%3D" + replica + "%22%5D%7D' "
                    + "| grep -o '\"Id\":\"[0-9a-f]*\"' | head -1 | cut -d'\"' -f4 | xargs -I{} curl -s --unix-socket "
                    + System.getenv("OPENPAAS_DOCKER_HOST").replace("unix://", "") + " http://d/v1.41/containers/{}/json").start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailedRolloutRollsBackOnlyWhenTheServiceAsks() {
        String good = deploy(v1);
        awaitAvailable(good);
        String plain = deploy(broken);
        Await.until("the broken rollout FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(state(plain)));
        assertEquals("200 flow one", get(), "the old replica kept serving");

        updateService("test", true);
        String failing = deploy(broken);
        Await.until("the second broken rollout FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(state(failing)));
        Await.until("an automatic rollback queued", Duration.ofSeconds(15), () -> newest("auto-rollback") != null);
        String back = newest("auto-rollback");
        awaitAvailable(back);
        assertEquals("200 flow one", get());
        assertEquals(v1, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + back).path("image"));
        assertEquals(1, Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid and trigger = 'auto-rollback'", service),
                "one rollback, for the failure that came after the service asked for it");
        assertTrue(events(failing).contains("paas.deploy.failed") && events(back).contains("paas.deploy.available"));
    }

    @Test
    void aCancelledRolloutStopsBeforeTheTrafficAndTheNextOneRuns() {
        String good = deploy(v1);
        awaitAvailable(good);
        String doomed = deploy(broken);
        Await.until("the broken rollout checking its replica", Duration.ofSeconds(30), () -> "PROGRESSING".equals(state(doomed)));
        assertEquals(2, containers());
        given().auth().oauth2(TestTokens.user(developer)).post("/api/v1/deployments/" + doomed + "/cancel").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("CANCELLED"));
        // well before the health deadline (20 s) would have ended it
        Await.until("its replica removed", Duration.ofSeconds(8), () -> containers() == 1);
        assertEquals("200 flow one", get());
        String next = deploy(v2);
        awaitAvailable(next);
        assertEquals("200 flow two", get());
        given().auth().oauth2(TestTokens.user(developer)).post("/api/v1/deployments/" + next + "/cancel").then().statusCode(409);
    }

    @Test
    void aReplicaThatDiesIsReportedOnce() {
        String running = deploy(v1);
        awaitAvailable(running);
        String socket = System.getenv("OPENPAAS_DOCKER_HOST").replace("unix://", "");
        try {
            Process p = new ProcessBuilder("bash", "-c", "curl -s --unix-socket " + socket + " 'http://d/v1.41/containers/json?filters="
                    + "%7B%22label%22%3A%5B%22io.openpaas.deployment%3D" + running + "%22%5D%7D' | grep -o '\"Id\":\"[0-9a-f]*\"' | cut -d'\"' -f4 "
                    + "| xargs -I{} curl -s -X POST --unix-socket " + socket + " 'http://d/v1.41/containers/{}/kill?signal=KILL'").start();
            assertEquals(0, p.waitFor());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Await.until("the failure reported", Duration.ofSeconds(20), () -> events(running).contains("paas.deploy.replica_failed"));
        assertEquals(1, events(running).stream().filter("paas.deploy.replica_failed"::equals).count());
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + running).then().body("failures",
                org.hamcrest.Matchers.equalTo(1));
    }

    @Test
    void aRolloutWhoseInstanceIsGoneFailsAtItsDeadline() {
        // held by an instance that stopped for good: nobody will finish it
        String orphan = java.util.UUID.randomUUID().toString();
        Sql.execute("insert into deploys.deployments (id, project_id, service_id, state, trigger, requested_by, image, replicas, spec, worker, "
                + "created_at, started_at, deadline_at) values (?::uuid, ?::uuid, ?::uuid, 'PROGRESSING', 'api', 'tester', 'x', 1, ?, "
                + "'gone-for-good', now() - interval '20 minutes', now() - interval '20 minutes', now() - interval '5 minutes')",
                orphan, project, service, "{\"project_id\":\"" + project + "\",\"project_slug\":\"" + projectSlug + "\",\"service_id\":\""
                        + service + "\",\"service_slug\":\"" + slug + "\",\"deployment_id\":\"" + orphan + "\",\"image\":\"x\",\"env\":{},"
                        + "\"cpu_millicores\":100,\"memory_mb\":64,\"replicas\":1,\"ports\":[],\"health_check\":{\"path\":\"/\",\"port\":8080,"
                        + "\"interval_seconds\":1,\"timeout_seconds\":1,\"failure_threshold\":3,\"initial_delay_seconds\":0}}");
        Await.until("the orphan failed by the sweep", Duration.ofSeconds(15), () -> "FAILED".equals(state(orphan)));
        String reason = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + orphan).path("reason");
        assertTrue(reason.contains("did not finish within"), reason);
        assertEquals(java.util.List.of("paas.deploy.failed"), events(orphan));
    }
}

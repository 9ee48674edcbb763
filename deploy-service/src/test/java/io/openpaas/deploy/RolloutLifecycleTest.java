package io.openpaas.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
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
    void aRolloutThatFailsBeforeTheTrafficMovesLeavesTheOldOneServingWithoutARollback() {
        updateService("test", true);
        String good = deploy(v1);
        awaitAvailable(good);
        String failing = deploy(broken);
        Await.until("the broken rollout FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(state(failing)));
        assertEquals("200 flow one", get(), "the old replica never stopped serving");
        // the next rollout starts only once the failed one's worker is done deciding: by then no rollback was queued
        String next = deploy(v2);
        awaitAvailable(next);
        assertEquals(0, Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid and trigger = 'auto-rollback'", service),
                "nothing to roll back: what served was never touched");
        assertEquals("200 flow two", get());
    }

    @Test
    void aRolloutThatFailsAfterTheTrafficMovedRollsBackWhenTheServiceAsks() {
        updateService("test", true);
        String good = deploy(v1);
        awaitAvailable(good);
        // the new replicas take the traffic, then recording it fails (as a database outage would)
        Sql.execute("create or replace function deploys.test_refuse_available() returns trigger language plpgsql as $$ begin "
                + "if new.state = 'AVAILABLE' and new.image = '" + v2 + "' then raise exception 'injected failure'; end if; return new; end $$");
        Sql.execute("create trigger test_refuse_available before update on deploys.deployments for each row "
                + "execute function deploys.test_refuse_available()");
        try {
            String failing = deploy(v2);
            Await.until("the rollout FAILED after it moved the traffic", Duration.ofSeconds(60), () -> "FAILED".equals(state(failing)));
            Await.until("an automatic rollback queued", Duration.ofSeconds(15), () -> newest("auto-rollback") != null);
            String back = newest("auto-rollback");
            awaitAvailable(back);
            assertEquals("200 flow one", get(), "what served before is back");
            assertEquals(v1, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + back).path("image"));
            assertTrue(Sql.text("select cast(traffic_moved_at as text) from deploys.deployments where id = ?::uuid", failing) != null);
        } finally {
            Sql.execute("drop trigger if exists test_refuse_available on deploys.deployments");
            Sql.execute("drop function if exists deploys.test_refuse_available()");
        }
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
        // the engine restarts it (on-failure policy) and the watch records it running again
        Await.until("the replica running again", Duration.ofSeconds(30), () -> Integer.valueOf(1).equals(given().auth()
                .oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + running).path("ready_replicas")));
        assertEquals(1, events(running).stream().filter("paas.deploy.replica_failed"::equals).count(), "one exit, reported once");
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + running).then().body("failures",
                org.hamcrest.Matchers.equalTo(1));
        assertEquals("200 flow one", get());
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

    @Test
    void aReplicaThatKeepsCrashingIsStartedAgainAFewTimesThenLeftDown() throws Exception {
        // serves for three seconds, then fails (exit 3), every time it starts
        String crashy = image("f6-" + UUID.randomUUID().toString().substring(0, 8), "flow crashy",
                "[\"/bin/busybox\",\"sh\",\"-c\",\"/bin/busybox httpd -p 8080 -h /www; sleep 3; exit 3\"]");
        String running = deploy(crashy);
        awaitAvailable(running);
        // five restarts (the engine's policy, or the watch's where the engine does not), then the
        // sixth exit: reported like the others, and this time not started again
        Await.until("six exits reported", Duration.ofSeconds(90),
                () -> events(running).stream().filter("paas.deploy.replica_failed"::equals).count() >= 6);
        // restarts the engine made show as failures beyond the one exit; the watch's are counted apart
        assertEquals(5, Sql.count("select failures - 1 + watch_restarts from deploys.deployments where id = ?::uuid", running));
        assertEquals(0, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/status")
                .<Integer>path("ready_replicas"), "left down once the restarts are used up");
    }
}

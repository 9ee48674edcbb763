package io.openpaas.build;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * No build stays running for ever: one this worker held when it stopped is failed at its next
 * start (and its leftover process killed), one whose worker stopped proving alive is failed by
 * the sweep, and one past its timeout is stopped as TIMED_OUT with nothing left running.
 */
@QuarkusTest
@TestProfile(BuildRecoveryTest.Profile.class)
class BuildRecoveryTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openpaas.build.timeout", "PT4S", "openpaas.build.stale-after", "PT3S", "openpaas.build.sweep-every", "1s",
                    "openpaas.build.heartbeat", "PT0.5S", "openpaas.build.logs.max-lines", "40", "openpaas.build.logs.retention", "PT1H");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BuildsLeftBehind.class));
        }
    }

    /** Before this instance starts: what a previous instance that died mid-build left in the table and the process list. */
    public static class BuildsLeftBehind implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            // the schema as the service makes it at start (idempotent), so the rows can be written first
            Flyway.configure().dataSource(Sql.url(), "openpaas_builds", System.getenv().getOrDefault("OPENPAAS_DB_PASSWORD_BUILDS", "openpaas_builds"))
                    .schemas("builds").defaultSchema("builds").locations("classpath:db/common", "classpath:db/migration").load().migrate();
            String own = UUID.randomUUID().toString();
            String stale = UUID.randomUUID().toString();
            try {
                // a stand-in for the build's buildah process: its command line names the build, as buildah's does
                Process orphan = new ProcessBuilder("bash", "-c", "sleep 300; echo " + own).start();
                insert(own, "build-service-test", "now()", orphan.pid());
                insert(stale, "another-worker", "now() - interval '1 hour'", null);
                return Map.of("test.orphan-build", own, "test.orphan-pid", Long.toString(orphan.pid()), "test.stale-build", stale);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void insert(String id, String worker, String heartbeat, Long pid) {
            Sql.execute("insert into builds.builds (id, project_id, service_id, state, trigger, requested_by, repository, branch, executor, "
                    + "worker, pid, created_at, started_at, heartbeat_at) values (?::uuid, gen_random_uuid(), gen_random_uuid(), 'BUILDING', "
                    + "'api', 'tester', 'file:///x.git', 'main', 'local', ?, " + (pid == null ? "null" : pid.toString())
                    + ", now(), now(), " + heartbeat + ")", id, worker);
        }

        @Override
        public void stop() {
        }
    }

    @jakarta.inject.Inject
    io.openpaas.build.logs.BuildLogs logs;

    @Test
    void logsAreBoundedPerBuildAndRemovedAfterTheirRetention() throws Exception {
        String project = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        BuildFixtures.member(project, developer, "developer");
        String token = TestTokens.user(developer);
        Path root = Files.createDirectories(Path.of("target", "repos"));
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"seq\", \"1\", \"500\"]"));
        String build = BuildFixtures.startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        BuildFixtures.awaitState(token, build, "SUCCEEDED", Duration.ofSeconds(60));
        List<String> lines = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs")
                .asString().lines().toList();
        assertEquals(40, lines.size(), String.join("\n", lines));
        assertEquals("[openpaas] the log reached its limit of 40 lines; later output is not kept", lines.get(39));

        Sql.execute("update builds.builds set finished_at = now() - interval '2 hours' where id = ?::uuid", build);
        logs.expire().await().atMost(Duration.ofSeconds(10));
        assertEquals(0, Sql.count("select count(*) from builds.build_logs where build_id = ?::uuid", build));
        assertEquals("SUCCEEDED", Sql.text("select state from builds.builds where id = ?::uuid", build), "the build itself stays");
    }

    static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    @Test
    void aBuildHeldWhenTheWorkerStoppedIsFailedAtStartAndItsProcessKilled() {
        String id = config("test.orphan-build");
        Await.until("the orphan failed", Duration.ofSeconds(15), () -> "FAILED".equals(Sql.text("select state from builds.builds where id = ?::uuid", id)));
        assertTrue(Sql.text("select reason from builds.builds where id = ?::uuid", id).contains("restarted while the build ran"));
        long pid = Long.parseLong(config("test.orphan-pid"));
        Await.until("its process gone", Duration.ofSeconds(15), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertEquals(1, Sql.count("select count(*) from builds.outbox_events where subject like 'paas.build.%.failed' and payload like ?",
                "%" + id + "%"));
    }

    @Test
    void aBuildWhoseWorkerStoppedAnsweringIsFailedByTheSweep() {
        String id = config("test.stale-build");
        Await.until("the stale build failed", Duration.ofSeconds(15),
                () -> "FAILED".equals(Sql.text("select state from builds.builds where id = ?::uuid", id)));
        assertTrue(Sql.text("select reason from builds.builds where id = ?::uuid", id).contains("stopped answering"));
    }

    @Test
    void aBuildPastItsTimeoutIsStoppedWithNothingLeftRunning() throws Exception {
        String project = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        BuildFixtures.member(project, developer, "developer");
        String token = TestTokens.user(developer);
        Path root = Files.createDirectories(Path.of("target", "repos"));
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"sleep\", \"4324\"]"));
        String build = BuildFixtures.startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        BuildFixtures.awaitState(token, build, "TIMED_OUT", Duration.ofSeconds(60));
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.contains("timeout of PT4S"), reason);
        Await.until("no process of the build left", Duration.ofSeconds(20),
                () -> BuildFixtures.processesMentioning(build) == 0 && BuildFixtures.processesMentioning("sleep 4324") == 0);
        String log = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString();
        assertTrue(log.contains("ran past its timeout"), log);
        assertFalse(Sql.text("select state from builds.builds where id = ?::uuid", build).equals("FAILED"));
    }
}

package io.openpaas.build;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coolify executor against a WireMock stub of Coolify's v4 API as its source documents it:
 * {@code GET /api/v1/applications}, {@code POST /api/v1/deploy?uuid=} (429 with Retry-After when
 * its queue is full), {@code GET /api/v1/deployments/{uuid}} going queued → in_progress →
 * finished or failed with its logs as a JSON string, {@code POST .../cancel}.
 */
@QuarkusTest
@TestProfile(CoolifyExecutorTest.Profile.class)
class CoolifyExecutorTest {

    static WireMockServer coolify;
    static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openpaas.build.executor", "coolify", "openpaas.coolify.api-key", "coolify-key-123",
                    "openpaas.coolify.poll-interval", "PT0.2S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Stub.class));
        }
    }

    public static class Stub implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            coolify = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
            coolify.start();
            return Map.of("openpaas.coolify.url", coolify.baseUrl());
        }

        @Override
        public void stop() {
            coolify.stop();
        }
    }

    String project;
    String token;

    @BeforeEach
    void project() {
        coolify.resetAll();
        coolify.stubFor(get("/api/v1/applications").withHeader("Authorization", equalTo("Bearer coolify-key-123")).willReturn(okJson("["
                + "{\"uuid\":\"app-1\",\"name\":\"app\",\"git_repository\":\"acme/app\",\"git_branch\":\"main\",\"build_pack\":\"dockerfile\"},"
                + "{\"uuid\":\"app-2\",\"name\":\"broken\",\"git_repository\":\"acme/broken\",\"git_branch\":\"main\"},"
                + "{\"uuid\":\"app-3\",\"name\":\"slow\",\"git_repository\":\"acme/slow\",\"git_branch\":\"main\"}]")));
        coolify.stubFor(get("/api/v1/applications").willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Unauthenticated.\"}")).atPriority(10));
        project = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        token = TestTokens.user(developer);
        BuildFixtures.member(project, developer, "developer");
    }

    static String repository(String name) {
        // a host this machine resolves; the executor matches it to the Coolify application by owner/name
        return "http://127.0.0.1:9/acme/" + name + ".git";
    }

    static void deploys(String app, String deployment) {
        coolify.stubFor(post(urlEqualTo("/api/v1/deploy?uuid=" + app + "&force=false")).inScenario("deploy-" + app)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("accepting")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("{\"message\":\"Deployment queue is full.\"}")));
        coolify.stubFor(post(urlEqualTo("/api/v1/deploy?uuid=" + app + "&force=false")).inScenario("deploy-" + app)
                .whenScenarioStateIs("accepting")
                .willReturn(okJson("{\"deployments\":[{\"message\":\"Application " + app + " deployment queued.\",\"resource_uuid\":\"" + app
                        + "\",\"deployment_uuid\":\"" + deployment + "\"}]}")));
    }

    static void deployment(String deployment, String... statuses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i == statuses.length - 1 ? state : "step-" + (i + 1);
            String logs = "[{\"command\":null,\"output\":\"Starting deployment of acme/app\",\"type\":\"stdout\",\"timestamp\":\"t\","
                    + "\"hidden\":false,\"batch\":1,\"order\":1},{\"command\":\"docker ps\",\"output\":\"internal\",\"type\":\"stdout\","
                    + "\"timestamp\":\"t\",\"hidden\":true,\"batch\":1,\"order\":2}"
                    + (i > 0 ? ",{\"command\":null,\"output\":\"" + ("failed".equals(statuses[i]) ? "ERROR: failed to build: exit code 1"
                            : "Building docker image") + "\",\"type\":\"stdout\",\"timestamp\":\"t\",\"hidden\":false,\"batch\":2,\"order\":3}" : "")
                    + "]";
            String body = "{\"deployment_uuid\":\"" + deployment + "\",\"status\":\"" + statuses[i] + "\",\"commit\":\"" + SHA
                    + "\",\"logs\":" + quote(logs) + "}";
            coolify.stubFor(get("/api/v1/deployments/" + deployment).inScenario("status-" + deployment).whenScenarioStateIs(state)
                    .willSetStateTo(next).willReturn(okJson(body)));
            state = next;
        }
    }

    static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void aDeploymentQueuedAfterA429IsFollowedToFinished() {
        deploys("app-1", "dep-1");
        deployment("dep-1", "queued", "in_progress", "finished");
        String service = BuildFixtures.gitService(project, repository("app"), "main", null, null);
        String build = BuildFixtures.startBuild(token, service);
        BuildFixtures.awaitState(token, build, "SUCCEEDED", Duration.ofSeconds(30));
        given().auth().oauth2(token).get("/api/v1/builds/" + build).then()
                .body("image", org.hamcrest.Matchers.equalTo("coolify:app-1@" + SHA)).body("commit_sha", org.hamcrest.Matchers.equalTo(SHA));
        coolify.verify(2, postRequestedFor(urlEqualTo("/api/v1/deploy?uuid=app-1&force=false"))
                .withHeader("Authorization", equalTo("Bearer coolify-key-123")));
        String log = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString();
        assertTrue(log.contains("waiting 1 s as Coolify asks (Retry-After)"), log);
        assertTrue(log.contains("[coolify] Starting deployment of acme/app") && log.contains("[coolify] Building docker image"), log);
        assertEquals(1, log.split("Starting deployment of acme/app", -1).length - 1, "each entry once");
        assertFalse(log.contains("internal"), "hidden entries stay hidden");
    }

    @Test
    void aFailedDeploymentFailsTheBuildWithItsLastOutput() {
        deploys("app-2", "dep-2");
        deployment("dep-2", "in_progress", "failed");
        String build = BuildFixtures.startBuild(token, BuildFixtures.gitService(project, repository("broken"), "main", null, null));
        BuildFixtures.awaitState(token, build, "FAILED", Duration.ofSeconds(30));
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.contains("dep-2 failed: ERROR: failed to build: exit code 1"), reason);
    }

    @Test
    void cancelCancelsTheCoolifyDeployment() {
        deploys("app-3", "dep-3");
        deployment("dep-3", "in_progress");
        coolify.stubFor(post("/api/v1/deployments/dep-3/cancel").willReturn(okJson(
                "{\"message\":\"Deployment cancelled successfully.\",\"deployment_uuid\":\"dep-3\",\"status\":\"cancelled-by-user\"}")));
        String build = BuildFixtures.startBuild(token, BuildFixtures.gitService(project, repository("slow"), "main", null, null));
        BuildFixtures.awaitState(token, build, "BUILDING", Duration.ofSeconds(30));
        given().auth().oauth2(token).post("/api/v1/builds/" + build + "/cancel").then().statusCode(200);
        Await.until("Coolify asked to cancel", Duration.ofSeconds(10),
                () -> coolify.findAll(postRequestedFor(urlPathEqualTo("/api/v1/deployments/dep-3/cancel"))).size() == 1);
    }

    @Test
    void aRepositoryNoCoolifyApplicationBuildsFailsClearly() {
        String build = BuildFixtures.startBuild(token, BuildFixtures.gitService(project, repository("unknown"), "main", null, null));
        BuildFixtures.awaitState(token, build, "FAILED", Duration.ofSeconds(30));
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.startsWith("no Coolify application builds " + repository("unknown")), reason);
        coolify.verify(getRequestedFor(urlEqualTo("/api/v1/applications")));
    }
}

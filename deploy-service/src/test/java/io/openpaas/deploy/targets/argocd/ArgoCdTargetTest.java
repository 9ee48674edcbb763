package io.openpaas.deploy.targets.argocd;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.openpaas.common.testing.Await;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.JsonApi;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ArgoCD target against a WireMock stub of ArgoCD's REST API as its swagger documents it
 * ({@code /api/version}, {@code POST /api/v1/applications?upsert=true},
 * {@code POST /api/v1/applications/{name}/sync}, {@code GET /api/v1/applications/{name}} with
 * {@code status.sync}, {@code status.health} and {@code status.operationState}, gRPC-gateway errors
 * {@code {"error","code","message"}}), committing to a real local repository.
 */
class ArgoCdTargetTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "registry.example.com/shop/web@sha256:" + "e5".repeat(32);
    WireMockServer argo;
    Path root;
    WorkloadSpec spec;
    String app;

    @BeforeEach
    void start() throws Exception {
        argo = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        argo.start();
        root = Files.createTempDirectory("argocd-test");
        spec = new WorkloadSpec(UUID.randomUUID(), "shop", UUID.randomUUID(), "web", UUID.randomUUID(), IMAGE, Map.of(), null, null, 500, 256, 2,
                List.of(new WorkloadSpec.Port("http", 8080, true)), new WorkloadSpec.HealthCheck("/", 8080, 5, 2, 3, 0), null, null, null);
        app = ArgoCdTarget.application(spec.serviceId());
        argo.stubFor(post(urlEqualTo("/api/v1/applications?upsert=true&validate=false")).willReturn(okJson("{\"metadata\":{\"name\":\"" + app + "\"}}")));
        argo.stubFor(post(urlEqualTo("/api/v1/applications/" + app + "/sync")).willReturn(okJson("{\"metadata\":{\"name\":\"" + app + "\"}}")));
    }

    @AfterEach
    void stop() {
        argo.stop();
    }

    ArgoCdTarget target(String token, Duration timeout, Duration deadline) {
        return new ArgoCdTarget("argo", new ArgoCdTarget.GitOpsSettings(root.resolve("gitops.git").toString(), Optional.empty(), "main", "argo",
                root.resolve("work"), KubernetesManifests.Exposure.defaults()), new JsonApi(argo.baseUrl(), token, JSON, timeout),
                "https://kubernetes.default.svc", "default", deadline, Duration.ofMillis(50));
    }

    static RolloutProgress quiet() {
        return line -> {
        };
    }

    static String status(String sync, String revision, String health, String phase) {
        return status(sync, revision, health, phase, revision);
    }

    /** An Application's status; {@code synced} is the revision its last operation synced to. */
    static String status(String sync, String revision, String health, String phase, String synced) {
        return "{\"metadata\":{\"name\":\"app\"},\"status\":{\"sync\":{\"status\":\"" + sync + "\",\"revision\":\"" + revision + "\"},"
                + "\"health\":{\"status\":\"" + health + "\",\"message\":\"Deployment has 0 available replicas\"},"
                + "\"operationState\":{\"operation\":{\"sync\":{\"revision\":\"" + synced + "\"}},\"phase\":\"" + phase
                + "\",\"message\":\"one or more objects failed to apply\"}}}";
    }

    /** The revision the target asked ArgoCD to sync to, once it did. */
    String syncedRevision() throws Exception {
        Await.until("a sync", Duration.ofSeconds(20), () -> !argo.findAll(postRequestedFor(urlPathEqualTo("/api/v1/applications/" + app + "/sync")))
                .isEmpty());
        return JSON.readTree(argo.findAll(postRequestedFor(urlPathEqualTo("/api/v1/applications/" + app + "/sync"))).get(0).getBodyAsString())
                .path("revision").asText();
    }

    @Test
    void anApplicationPerServicePointsAtItsFolderIsSyncedToTheCommitAndFollowedUntilHealthy() throws Exception {
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("OutOfSync", "old", "Missing", "Running"))));
        ArgoCdTarget target = target("argo-token", Duration.ofSeconds(2), Duration.ofSeconds(30));
        CompletableFuture<Void> rollout = CompletableFuture.runAsync(() -> {
            try {
                target.apply(spec, quiet());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String revision = syncedRevision();
        assertEquals(40, revision.length(), revision);
        var reads = com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/api/v1/applications/" + app));
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("Synced", revision, "Progressing", "Succeeded"))));
        int before = argo.findAll(reads).size();
        // the target has read the Synced-but-Progressing status several times since: it must still be waiting
        Await.until("a few looks at the Progressing Application", Duration.ofSeconds(10), () -> argo.findAll(reads).size() >= before + 3);
        assertTrue(!rollout.isDone(), "Synced but still Progressing is not done");
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("Synced", revision, "Healthy", "Succeeded"))));
        rollout.get(10, TimeUnit.SECONDS);

        JsonNode application = JSON.readTree(argo.findAll(postRequestedFor(urlEqualTo("/api/v1/applications?upsert=true&validate=false")))
                .get(0).getBodyAsString());
        assertEquals(app, application.path("metadata").path("name").asText());
        assertEquals(root.resolve("gitops.git").toString(), application.path("spec").path("source").path("repoURL").asText());
        assertEquals("argo/shop/web", application.path("spec").path("source").path("path").asText());
        assertEquals("openpaas-shop", application.path("spec").path("destination").path("namespace").asText());
        assertEquals("https://kubernetes.default.svc", application.path("spec").path("destination").path("server").asText());
        assertEquals("Bearer argo-token", argo.findAll(postRequestedFor(urlPathEqualTo("/api/v1/applications/" + app + "/sync"))).get(0)
                .getHeader("Authorization"));
        try (var git = org.eclipse.jgit.api.Git.open(root.resolve("gitops.git").toFile())) {
            assertEquals(revision, git.getRepository().resolve("refs/heads/main").name(), "the commit ArgoCD syncs to is the branch's head");
        }
    }

    @Test
    void degradedOrAFailedSyncFailsTheRolloutWithArgoCdsReason() throws Exception {
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("OutOfSync", "old", "Missing", "Running"))));
        ArgoCdTarget target = target("t", Duration.ofSeconds(2), Duration.ofSeconds(30));
        CompletableFuture<String> rollout = failure(target);
        String revision = syncedRevision();
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("Synced", revision, "Degraded", "Succeeded"))));
        String reason = rollout.get(10, TimeUnit.SECONDS);
        assertTrue(reason.contains("Degraded") && reason.contains("0 available replicas"), reason);

        // an earlier sync's failure still on record is not this one's
        argo.resetRequests();
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("OutOfSync", "x", "Missing", "Failed", "old"))));
        rollout = failure(target);
        String second = syncedRevision();
        Await.until("a few looks at the Application", Duration.ofSeconds(10), () -> argo.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/api/v1/applications/" + app))).size() >= 5);
        assertTrue(!rollout.isDone(), "an old sync's failure does not fail this rollout");
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("OutOfSync", "x", "Missing", "Failed", second))));
        reason = rollout.get(10, TimeUnit.SECONDS);
        assertTrue(reason.contains("could not sync") && reason.contains("failed to apply"), reason);
    }

    @Test
    void aBadTokenIsAClearFailureNotRetried() throws Exception {
        argo.stubFor(post(urlEqualTo("/api/v1/applications?upsert=true&validate=false")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"permission denied\",\"code\":7,\"message\":\"permission denied\"}")));
        String reason = failure(target("bad", Duration.ofSeconds(2), Duration.ofSeconds(30))).get(10, TimeUnit.SECONDS);
        assertTrue(reason.contains("403") && reason.contains("permission denied") && reason.contains("token"), reason);
        assertTrue(!reason.contains("bad"), "the token is never in a reason");
        assertEquals(1, argo.findAll(postRequestedFor(urlEqualTo("/api/v1/applications?upsert=true&validate=false"))).size(), "not retried");
    }

    @Test
    void anArgoCdThatDoesNotAnswerFailsWithinTheTimeoutsAndOneThatFailsBrieflyIsRetried() throws Exception {
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson("{}").withFixedDelay(5000)));
        long start = System.nanoTime();
        String reason = failure(target("t", Duration.ofMillis(500), Duration.ofSeconds(30))).get(20, TimeUnit.SECONDS);
        assertTrue(reason.contains("did not answer"), reason);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "bounded by the call timeout and three attempts");

        // an upsert may be sent again: one 503 is retried; a check is asked once and reports what it got
        String upsert = "/api/v1/applications?upsert=true&validate=false";
        argo.stubFor(post(urlEqualTo(upsert)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        argo.stubFor(post(urlEqualTo(upsert)).inScenario("flaky").whenScenarioStateIs("up").willReturn(okJson("{}")));
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("OutOfSync", "old", "Missing", "Running"))));
        argo.resetRequests();
        ArgoCdTarget flaky = target("t", Duration.ofSeconds(2), Duration.ofSeconds(30));
        CompletableFuture<Void> rollout = CompletableFuture.runAsync(() -> {
            try {
                flaky.apply(spec, quiet());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String revision = syncedRevision();
        argo.stubFor(get(urlEqualTo("/api/v1/applications/" + app)).willReturn(okJson(status("Synced", revision, "Healthy", "Succeeded"))));
        rollout.get(10, TimeUnit.SECONDS);
        assertEquals(2, argo.findAll(postRequestedFor(urlEqualTo(upsert))).size());

        argo.stubFor(get(urlEqualTo("/api/version")).willReturn(aResponse().withStatus(503)));
        DeployFailure check = assertThrows(DeployFailure.class, () -> flaky.probe());
        assertTrue(check.getMessage().contains("503"), check.getMessage());
        argo.stubFor(get(urlEqualTo("/api/version")).willReturn(okJson("{\"Version\":\"v2.13.1\"}")));
        assertEquals("ArgoCD v2.13.1", flaky.probe());
    }

    @Test
    void removingAServiceDeletesItsApplicationWithItsResources() throws Exception {
        argo.stubFor(delete(urlEqualTo("/api/v1/applications/" + app + "?cascade=true")).willReturn(okJson("{}")));
        target("t", Duration.ofSeconds(2), Duration.ofSeconds(30)).remove(spec.serviceId());
        assertEquals(1, argo.findAll(deleteRequestedFor(urlEqualTo("/api/v1/applications/" + app + "?cascade=true"))
                .withHeader("Authorization", equalTo("Bearer t"))).size());
    }

    private CompletableFuture<String> failure(ArgoCdTarget target) {
        return CompletableFuture.supplyAsync(() -> {
            DeployFailure f = assertThrows(DeployFailure.class, () -> target.apply(spec, quiet()));
            return f.getMessage();
        });
    }
}

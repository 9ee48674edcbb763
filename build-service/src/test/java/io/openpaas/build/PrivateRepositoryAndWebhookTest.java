package io.openpaas.build;

import io.openpaas.common.testing.GitHttpServer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A private repository reached with the service's Git credential, a credential that never shows
 * in logs, events or errors, and push webhooks from each provider, signed, once per delivery.
 */
@QuarkusTest
class PrivateRepositoryAndWebhookTest {

    static final Duration BUILD = Duration.ofSeconds(120);
    String project;
    String owner;
    String developer;
    Path root;

    @BeforeEach
    void project() throws Exception {
        project = UUID.randomUUID().toString();
        owner = UUID.randomUUID().toString();
        developer = UUID.randomUUID().toString();
        BuildFixtures.member(project, owner, "owner");
        BuildFixtures.member(project, developer, "developer");
        root = Files.createDirectories(Path.of("target", "repos"));
    }

    @Test
    void aPrivateRepositoryIsClonedWithTheCredentialWhichNeverShows() throws Exception {
        String token = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        Path hosted = Files.createTempDirectory(root, "hosted");
        String bare = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"echo\", \"the token is " + token + "\"]"));
        Path target = hosted.resolve("app.git");
        try (Git ignored = Git.cloneRepository().setBare(true).setURI(bare).setDirectory(target.toFile()).call()) {
            // a copy served over HTTP
        }
        try (GitHttpServer server = new GitHttpServer(hosted, "x-access-token", token)) {
            String service = BuildFixtures.gitService(project, server.url("app.git"), "main", null, null);
            String dev = TestTokens.user(developer);

            String refused = BuildFixtures.startBuild(dev, service);
            BuildFixtures.awaitState(dev, refused, "FAILED", BUILD);
            assertTrue(server.refused() > 0, "the host was asked and refused without a credential");
            String reason = given().auth().oauth2(dev).get("/api/v1/builds/" + refused).path("reason");
            assertTrue(reason.startsWith("could not fetch"), reason);
            assertFalse(reason.contains(token));

            given().auth().oauth2(dev).contentType("application/json").body("{\"type\":\"token\",\"token\":\"" + token + "\"}")
                    .put("/api/v1/services/" + service + "/git-credential").then().statusCode(200);
            String build = BuildFixtures.startBuild(dev, service);
            BuildFixtures.awaitState(dev, build, "SUCCEEDED", BUILD);

            String log = given().auth().oauth2(dev).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString();
            assertTrue(log.contains("the token is ****"), "the echoed token is masked: " + log);
            assertFalse(log.contains(token));
            String sse = given().auth().oauth2(dev).accept("text/event-stream").get("/api/v1/builds/" + build + "/logs").asString();
            assertTrue(sse.contains("the token is ****"));
            assertFalse(sse.contains(token));
            assertFalse(given().auth().oauth2(dev).get("/api/v1/services/" + service + "/builds").asString().contains(token));
            assertEquals(0, Sql.count("select count(*) from builds.build_logs where line like ?", "%" + token + "%"));
            try (StreamProbe nats = new StreamProbe()) {
                String events = String.join("\n", nats.bodies("paas.build." + project + ".>"));
                assertTrue(events.contains("credential_set"), "the credential change is an event");
                assertTrue(events.contains(build), "the build's events were read");
                assertFalse(events.contains(token), "no event carries the token");
            }
        }
    }

    @Test
    void signedPushesBuildThePushedCommitOncePerDelivery() throws Exception {
        String bare = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp());
        String sha;
        try (Git git = Git.open(Path.of(URI.create(bare)).toFile())) {
            sha = git.getRepository().resolve("refs/heads/main").name();
        }
        String service = BuildFixtures.gitService(project, bare, "main", null, null);
        Await.until("the service projected", Duration.ofSeconds(15),
                () -> Sql.count("select count(*) from builds.service_sources where service_id = ?::uuid", service) == 1);
        Response hook = given().auth().oauth2(TestTokens.user(owner)).get("/api/v1/services/" + service + "/webhook");
        hook.then().statusCode(200);
        String secret = hook.path("secret");
        assertTrue(hook.<String>path("url").endsWith("/api/v1/webhooks/git/" + service), hook.asString());
        assertEquals(secret, given().auth().oauth2(TestTokens.user(owner)).get("/api/v1/services/" + service + "/webhook").path("secret"),
                "read again, the same secret");
        given().auth().oauth2(TestTokens.user(developer)).get("/api/v1/services/" + service + "/webhook").then().statusCode(403);

        String github = "{\"ref\":\"refs/heads/main\",\"before\":\"0000000000000000000000000000000000000000\",\"after\":\"" + sha + "\","
                + "\"repository\":{\"id\":1,\"full_name\":\"acme/app\",\"clone_url\":\"https://github.com/acme/app.git\"},"
                + "\"pusher\":{\"name\":\"alice\",\"email\":\"alice@example.com\"},\"head_commit\":{\"id\":\"" + sha + "\",\"message\":\"first\"}}";
        String delivery = UUID.randomUUID().toString();
        Response first = github(service, github, delivery, hmac(secret, github));
        first.then().statusCode(202).body("status", equalTo("queued"));
        String build = first.path("build_id");
        github(service, github, delivery, hmac(secret, github)).then().statusCode(200).body("status", equalTo("duplicate"))
                .body("build_id", equalTo(build));
        String dev = TestTokens.user(developer);
        BuildFixtures.awaitState(dev, build, "SUCCEEDED", BUILD);
        given().auth().oauth2(dev).get("/api/v1/builds/" + build).then().body("commit_sha", equalTo(sha))
                .body("requested_commit", equalTo(sha)).body("trigger", equalTo("webhook"));
        assertEquals(1, Sql.count("select count(*) from builds.builds where service_id = ?::uuid", service), "the replay built nothing");

        // another branch, a ping: acknowledged, nothing built
        String other = github.replace("refs/heads/main", "refs/heads/feature");
        github(service, other, UUID.randomUUID().toString(), hmac(secret, other)).then().statusCode(200).body("status", equalTo("ignored"));
        given().header("X-GitHub-Event", "ping").header("X-Hub-Signature-256", "sha256=" + hmac(secret, "{\"zen\":\"hi\"}"))
                .contentType("application/json").body("{\"zen\":\"hi\"}").post("/api/v1/webhooks/git/" + service)
                .then().statusCode(200).body("status", equalTo("ignored"));

        // wrong or missing signature: 401, recorded as a denied request of the project
        github(service, github, UUID.randomUUID().toString(), hmac("not-the-secret", github)).then().statusCode(401)
                .contentType("application/problem+json");
        given().header("X-GitHub-Event", "push").contentType("application/json").body(github).post("/api/v1/webhooks/git/" + service)
                .then().statusCode(401);
        Await.until("the denied deliveries in the outbox", Duration.ofSeconds(10), () -> Sql.count(
                "select count(*) from builds.outbox_events where subject = ? and payload like '%webhook:github%'",
                "paas.security." + project + ".denied") == 2);

        // GitLab: the secret as a token header
        String gitlab = "{\"object_kind\":\"push\",\"event_name\":\"push\",\"ref\":\"refs/heads/main\",\"before\":\"" + "0".repeat(40)
                + "\",\"after\":\"" + sha + "\",\"checkout_sha\":\"" + sha + "\",\"project\":{\"id\":15,\"path_with_namespace\":\"acme/app\"},"
                + "\"commits\":[{\"id\":\"" + sha + "\"}],\"total_commits_count\":1}";
        given().header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", secret.toUpperCase()).header("X-Gitlab-Event-UUID", "g1")
                .contentType("application/json").body(gitlab).post("/api/v1/webhooks/git/" + service).then().statusCode(401);
        given().header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", secret).header("X-Gitlab-Event-UUID", "g1")
                .contentType("application/json").body(gitlab.replace("refs/heads/main", "refs/heads/dev")).post("/api/v1/webhooks/git/" + service)
                .then().statusCode(200).body("status", equalTo("ignored"));

        // Gitea (and Forgejo): a plain hex signature; Gitea also sends GitHub's headers
        String gitea = "{\"ref\":\"refs/heads/main\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + sha + "\",\"compare_url\":\"\","
                + "\"commits\":[{\"id\":\"" + sha + "\"}],\"repository\":{\"id\":3,\"full_name\":\"acme/app\"},\"pusher\":{\"login\":\"alice\"}}";
        Response giteaBuild = given().header("X-Gitea-Event", "push").header("X-GitHub-Event", "push").header("X-Gitea-Delivery", "t1")
                .header("X-Gitea-Signature", hmac(secret, gitea)).contentType("application/json").body(gitea).post("/api/v1/webhooks/git/" + service);
        giteaBuild.then().statusCode(202);
        BuildFixtures.awaitState(dev, giteaBuild.path("build_id"), "SUCCEEDED", BUILD);

        // rotation: the old secret stops working at once
        String rotated = given().auth().oauth2(TestTokens.user(owner)).post("/api/v1/services/" + service + "/webhook/rotate")
                .then().statusCode(200).extract().path("secret");
        assertFalse(rotated.equals(secret));
        github(service, other, UUID.randomUUID().toString(), hmac(secret, other)).then().statusCode(401);
        github(service, other, UUID.randomUUID().toString(), hmac(rotated, other)).then().statusCode(200);
        assertEquals(0, Sql.count("select count(*) from builds.webhook_secrets where position(convert_to(?, 'UTF8') in ciphertext) > 0", rotated));
    }

    static Response github(String service, String body, String delivery, String signature) {
        return given().header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", "sha256=" + signature).contentType("application/json").body(body)
                .post("/api/v1/webhooks/git/" + service);
    }

    static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}

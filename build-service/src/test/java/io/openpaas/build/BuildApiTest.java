package io.openpaas.build;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.RbacMatrix.Actor;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may do what with builds, credentials and webhooks, and which sources are refused before anything is cloned. */
@QuarkusTest
class BuildApiTest {

    record World(String project, String owner, String developer, String viewer, String otherOwner, String service, String build) {
        String token(Actor actor) {
            return switch (actor) {
                case ANONYMOUS -> null;
                case VIEWER -> TestTokens.user(viewer);
                case DEVELOPER -> TestTokens.user(developer);
                case OWNER -> TestTokens.user(owner);
                case OTHER_OWNER -> TestTokens.user(otherOwner);
                case ADMIN -> TestTokens.admin();
            };
        }
    }

    /** A project with its members and a service whose repository does not exist (its builds fail fast). */
    static World world() {
        String project = UUID.randomUUID().toString();
        String owner = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        String viewer = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        BuildFixtures.member(project, owner, "owner");
        BuildFixtures.member(project, developer, "developer");
        BuildFixtures.member(project, viewer, "viewer");
        BuildFixtures.member(UUID.randomUUID().toString(), other, "owner");
        String service = BuildFixtures.gitService(project, Path.of("target/repos/none-" + project + ".git").toAbsolutePath().toUri().toString(),
                "main", null, null);
        Await.value("projection", Duration.ofSeconds(15), 3L,
                () -> Sql.count("select count(*) from builds.member_projection where project_id = ?::uuid and role is not null", project));
        String build = BuildFixtures.startBuild(TestTokens.user(developer), service);
        BuildFixtures.awaitState(TestTokens.user(developer), build, "FAILED", Duration.ofSeconds(60));
        return new World(project, owner, developer, viewer, other, service, build);
    }

    @Test
    void everyEndpointAnswersEachRoleAsDesigned() {
        World w = world();
        String credential = "{\"type\":\"token\",\"token\":\"t0ken-value\"}";
        RbacMatrix<World> matrix = new RbacMatrix<World>()
                // ANONYMOUS, VIEWER, DEVELOPER, OWNER, OTHER_OWNER, ADMIN
                .row("POST /api/v1/services/{serviceId}/builds", x -> "/api/v1/services/" + x.service() + "/builds", (x, a) -> "{}", false,
                        401, 403, 202, 202, 404, 202)
                .row("GET /api/v1/services/{serviceId}/builds", x -> "/api/v1/services/" + x.service() + "/builds", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/builds/{id}", x -> "/api/v1/builds/" + x.build(), 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/builds/{id}/logs", x -> "/api/v1/builds/" + x.build() + "/logs?follow=false", 401, 200, 200, 200, 404, 200)
                // the build has ended: whoever may cancel gets 409, the rest are refused first
                .row("POST /api/v1/builds/{id}/cancel", x -> "/api/v1/builds/" + x.build() + "/cancel", 401, 403, 409, 409, 404, 409)
                .row("PUT /api/v1/services/{serviceId}/git-credential", x -> "/api/v1/services/" + x.service() + "/git-credential",
                        (x, a) -> credential, false, 401, 403, 200, 200, 404, 200)
                .row("GET /api/v1/services/{serviceId}/git-credential", x -> "/api/v1/services/" + x.service() + "/git-credential",
                        401, 200, 200, 200, 404, 200)
                .row("DELETE /api/v1/services/{serviceId}/git-credential", x -> "/api/v1/services/" + x.service() + "/git-credential",
                        null, true, 401, 403, 404, 404, 404, 404)
                .row("GET /api/v1/services/{serviceId}/webhook", x -> "/api/v1/services/" + x.service() + "/webhook", 401, 403, 403, 200, 404, 200)
                .row("POST /api/v1/services/{serviceId}/webhook/rotate", x -> "/api/v1/services/" + x.service() + "/webhook/rotate",
                        401, 403, 403, 200, 404, 200)
                // no token needed, and none helps: without a valid signature it is 401 for everyone
                .row("POST /api/v1/webhooks/git/{serviceId}", x -> "/api/v1/webhooks/git/" + x.service(),
                        (x, a) -> "{}", false, 400, 400, 400, 400, 400, 400);
        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run(w, BuildApiTest::world, (x, actor) -> x.token(actor));
    }

    @Test
    void refusedRepositoriesAndPathsAre400AndNothingIsCloned() throws Exception {
        World w = world();
        String developer = TestTokens.user(w.developer());
        String[][] cases = {
                {"http://169.254.169.254/latest/meta-data.git", null, null, "link-local"},
                {"https://[fe80::1]/repo.git", null, null, "link-local"},
                {"https://metadata.google.internal/repo.git", null, null, "metadata"},
                {"https://alice:s3cret@example.com/repo.git", null, null, "git-credential"},
                {"https://ghp_token@example.com/repo.git", null, null, "git-credential"},
                {"ftp://example.com/repo.git", null, null, "https://"},
                {"https://no-such-host.invalid/repo.git", null, null, "does not resolve"},
                {"https://example.com/repo.git", "../Dockerfile", null, "build_source.dockerfile"},
                {"https://example.com/repo.git", null, "/etc", "build_source.context"},
                {"https://example.com/repo.git", null, "app/../../x", "build_source.context"},
        };
        for (String[] c : cases) {
            String service = BuildFixtures.gitService(w.project(), c[0], "main", c[1], c[2]);
            Await.until("service projected", Duration.ofSeconds(10),
                    () -> Sql.count("select count(*) from builds.service_sources where service_id = ?::uuid", service) == 1);
            given().auth().oauth2(developer).contentType("application/json").body("{}").post("/api/v1/services/" + service + "/builds")
                    .then().statusCode(400).contentType("application/problem+json").body(containsString(c[3]))
                    // a credential written into a URL is never echoed back
                    .body(not(containsString("s3cret"))).body(not(containsString("ghp_token")));
            assertEquals(0, Sql.count("select count(*) from builds.builds where service_id = ?::uuid", service), c[0]);
            assertFalse(Files.exists(Path.of("target/build-work/git/" + service + ".git")), "nothing cloned for " + c[0]);
        }
    }

    @Test
    void aStreamOfLogsIsRefusedWithAPlainAnswerBeforeItStarts() {
        World w = world();
        given().auth().oauth2(w.token(Actor.OTHER_OWNER)).accept("text/event-stream").get("/api/v1/builds/" + w.build() + "/logs")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(w.token(Actor.VIEWER)).accept("text/event-stream").get("/api/v1/builds/" + w.build() + "/logs")
                .then().statusCode(200).body(containsString("event:end"));
    }

    @Test
    void aBuildOfAServiceTheProjectionHasNotSeenWaitsThenAnswers404() {
        World w = world();
        long started = System.nanoTime();
        given().auth().oauth2(TestTokens.user(w.developer())).contentType("application/json").body("{}")
                .post("/api/v1/services/" + UUID.randomUUID() + "/builds").then().statusCode(404);
        long waited = (System.nanoTime() - started) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(waited >= 1900, "waited " + waited + " ms for the projection");
    }

    @Test
    void aServiceCreatedAMomentAgoIsBuiltOnceItsEventArrives() {
        World w = world();
        String service = UUID.randomUUID().toString();
        java.util.concurrent.CompletableFuture<Integer> status = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                BuildFixtures.requestBuild(TestTokens.user(w.developer()), service).statusCode());
        Await.sleep(300); // the request is waiting now: the event arrives during its wait
        BuildFixtures.publishService(w.project(), service, "created", "{\"id\":\"" + service + "\",\"project_id\":\"" + w.project()
                + "\",\"slug\":\"late\",\"build_source\":{\"type\":\"git\",\"repository\":\"file:///nowhere/r.git\"},\"ports\":[]}");
        assertEquals(202, status.join());
    }

    @Test
    void aGitCredentialIsWriteOnlyAndStoredEncrypted() {
        World w = world();
        String developer = TestTokens.user(w.developer());
        String secret = "glpat-" + UUID.randomUUID();
        given().auth().oauth2(developer).contentType("application/json")
                .body("{\"type\":\"token\",\"username\":\"deploy\",\"token\":\"" + secret + "\"}")
                .put("/api/v1/services/" + w.service() + "/git-credential")
                .then().statusCode(200).body("type", equalTo("token")).body("username", equalTo("deploy")).body(not(containsString(secret)));
        given().auth().oauth2(TestTokens.user(w.viewer())).get("/api/v1/services/" + w.service() + "/git-credential")
                .then().statusCode(200).body("type", equalTo("token")).body(not(containsString(secret)));
        assertEquals(0, Sql.count("select count(*) from builds.git_credentials where position(convert_to(?, 'UTF8') in ciphertext) > 0", secret),
                "no plaintext in the table");
        assertEquals(1, Sql.count("select count(*) from builds.git_credentials where service_id = ?::uuid", w.service()));
        // bad shapes are 400 and change nothing
        given().auth().oauth2(developer).contentType("application/json").body("{\"type\":\"ssh_key\",\"private_key\":\"not a key\"}")
                .put("/api/v1/services/" + w.service() + "/git-credential").then().statusCode(400).body(containsString("private_key"));
        given().auth().oauth2(developer).contentType("application/json").body("{\"type\":\"token\",\"token\":\"two words\"}")
                .put("/api/v1/services/" + w.service() + "/git-credential").then().statusCode(400);
        given().auth().oauth2(developer).delete("/api/v1/services/" + w.service() + "/git-credential").then().statusCode(204);
        given().auth().oauth2(developer).get("/api/v1/services/" + w.service() + "/git-credential").then().statusCode(404);
    }
}

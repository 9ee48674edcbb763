package io.openpaas.build;

import static io.openpaas.build.BuildFixtures.awaitState;
import static io.openpaas.build.BuildFixtures.startBuild;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Builds for real: a bare Git repository made here, JGit, buildah and the registry the test
 * script started. Each test works in a project of its own.
 */
@QuarkusTest
class LocalBuildTest {

    static final Duration BUILD = Duration.ofSeconds(120);
    final ObjectMapper json = new ObjectMapper();
    String project;
    String developer;
    String token;
    Path root;

    @BeforeEach
    void project() throws Exception {
        project = UUID.randomUUID().toString();
        developer = UUID.randomUUID().toString();
        token = TestTokens.user(developer);
        BuildFixtures.member(project, developer, "developer");
        root = Files.createDirectories(Path.of("target", "repos"));
    }

    @Test
    void buildsACommitIntoTheRegistryWithOneEventPerTransitionAndLogsThatResume() throws Exception {
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"echo\", \"hello from RUN\"]"));
        String service = BuildFixtures.gitService(project, repo, "main", null, null);
        String build = startBuild(token, service);
        awaitState(token, build, "SUCCEEDED", BUILD);

        Response view = given().auth().oauth2(token).get("/api/v1/builds/" + build);
        String image = view.path("image");
        String sha = view.path("commit_sha");
        assertTrue(sha.matches("[0-9a-f]{40}"), sha);
        Matcher ref = Pattern.compile("^" + Pattern.quote(BuildFixtures.REGISTRY) + "/(.+)@(sha256:[0-9a-f]{64})$").matcher(image);
        assertTrue(ref.matches(), image);
        assertEquals(BuildFixtures.registryDigest(ref.group(1), build), ref.group(2), "the digest is the registry's own");

        List<JsonNode> events = events(build);
        assertEquals(List.of("paas.build.queued", "paas.build.cloning", "paas.build.building", "paas.build.pushing", "paas.build.succeeded"),
                events.stream().map(e -> e.path("type").asText()).toList());
        JsonNode succeeded = events.get(events.size() - 1).path("data");
        assertEquals(image, succeeded.path("image").asText());
        assertEquals(sha, succeeded.path("commit_sha").asText());

        // the whole log over SSE, numbered in order, ending with the final state
        List<String[]> all = sse(build, null);
        assertTrue(all.size() > 5, "lines: " + all.size());
        for (int i = 0; i < all.size() - 1; i++) {
            assertEquals(Integer.toString(i + 1), all.get(i)[0], "event ids run 1, 2, 3…");
        }
        assertEquals("end", all.get(all.size() - 1)[1]);
        assertEquals("SUCCEEDED", all.get(all.size() - 1)[2]);
        assertTrue(all.stream().anyMatch(e -> e[2].contains("hello from RUN")), "the RUN step's output is in the log");
        // resumed after line 3: exactly the rest
        List<String[]> rest = sse(build, "3");
        assertEquals(all.size() - 3, rest.size());
        assertEquals("4", rest.get(0)[0]);
        assertEquals(all.get(3)[2], rest.get(0)[2]);

        String text = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/plain")).extract().asString();
        assertTrue(text.contains("hello from RUN"), text);

        given().auth().oauth2(token).get("/api/v1/services/" + service + "/builds").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(build));
    }

    @Test
    void aFailingInstructionFailsTheBuildAndIsNamedInTheLogsAndTheReason() throws Exception {
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"false\"]"));
        String build = startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        awaitState(token, build, "FAILED", BUILD);
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        // buildah names the instruction as it ran it
        assertTrue(reason.startsWith("the Dockerfile failed: STEP \"RUN /bin/busybox false\""), reason);
        String log = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString();
        assertTrue(Pattern.compile("STEP \\d+/\\d+: RUN \\[\"/bin/busybox\", \"false\"\\]").matcher(log).find(), log);
        JsonNode failed = events(build).get(events(build).size() - 1);
        assertEquals("paas.build.failed", failed.path("type").asText());
        assertEquals(reason, failed.path("data").path("reason").asText());
    }

    @Test
    void anUnreachableRepositoryFailsWithTheReason() {
        String missing = root.toAbsolutePath().resolve("no-such-repo-" + UUID.randomUUID() + ".git").toUri().toString();
        String build = startBuild(token, BuildFixtures.gitService(project, missing, "main", null, null));
        awaitState(token, build, "FAILED", BUILD);
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.startsWith("could not fetch " + missing), reason);
    }

    @Test
    void aMissingBranchFailsWithTheReason() throws Exception {
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp());
        String build = startBuild(token, BuildFixtures.gitService(project, repo, "release", null, null));
        awaitState(token, build, "FAILED", BUILD);
        assertEquals("branch 'release' does not exist in the repository", given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason"));
    }

    @Test
    void cancelDuringTheBuildStopsBuildahAndItsChildren() throws Exception {
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"sleep\", \"4321\"]"));
        String build = startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        awaitState(token, build, "BUILDING", BUILD);
        Await.until("the RUN step sleeping", BUILD, () -> BuildFixtures.processesMentioning("sleep 4321") > 0);

        given().auth().oauth2(token).post("/api/v1/builds/" + build + "/cancel").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("CANCELLED"));
        Await.until("no buildah process of the build and no RUN step left", Duration.ofSeconds(20),
                () -> BuildFixtures.processesMentioning(build) == 0 && BuildFixtures.processesMentioning("sleep 4321") == 0);
        assertEquals("CANCELLED", BuildFixtures.state(token, build));
        List<String> types = events(build).stream().map(e -> e.path("type").asText()).toList();
        assertEquals("paas.build.cancelled", types.get(types.size() - 1));
        assertEquals(1, types.stream().filter(t -> t.equals("paas.build.cancelled")).count());
        assertFalse(types.contains("paas.build.failed"));
        // a second cancel: it has ended
        given().auth().oauth2(token).post("/api/v1/builds/" + build + "/cancel").then().statusCode(409);
    }

    @Test
    void buildsBeyondTheProjectLimitQueueAndAQueuedBuildCanBeCancelled() throws Exception {
        // the test profile allows one running build per project
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp("RUN [\"/bin/busybox\", \"sleep\", \"4322\"]"));
        String service = BuildFixtures.gitService(project, repo, "main", null, null);
        String first = startBuild(token, service);
        String second = startBuild(token, service);
        awaitState(token, first, "BUILDING", BUILD);
        assertEquals("QUEUED", BuildFixtures.state(token, second));
        given().auth().oauth2(token).post("/api/v1/builds/" + second + "/cancel").then().statusCode(200);
        assertEquals(List.of("paas.build.queued", "paas.build.cancelled"), events(second).stream().map(e -> e.path("type").asText()).toList());
        given().auth().oauth2(token).post("/api/v1/builds/" + first + "/cancel").then().statusCode(200);
        Await.until("the RUN step stopped", Duration.ofSeconds(20), () -> BuildFixtures.processesMentioning("sleep 4322") == 0);
    }

    @Test
    void withoutADockerfileTheGeneratedOneOpensTheLog() throws Exception {
        // a static site: the generated Dockerfile needs a base image this machine cannot pull, so the build fails after printing it
        String repo = BuildFixtures.bareRepository(root, java.util.Map.of("index.html", "<h1>hi</h1>\n".getBytes()));
        String build = startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        awaitState(token, build, "FAILED", BUILD);
        List<String> lines = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString()
                .lines().toList();
        int detected = lines.indexOf("[openpaas] no Dockerfile in the repository; detected static site and generated this one:");
        assertTrue(detected > 0, String.join("\n", lines));
        assertEquals("[Dockerfile] # Generated by OpenPaaS for a static site repository without a Dockerfile.", lines.get(detected + 1));
        assertTrue(lines.contains("[Dockerfile] FROM nginxinc/nginx-unprivileged:1.27-alpine"));
    }

    @Test
    void aRepositoryWithNothingToBuildFailsSayingWhatWasLookedFor() throws Exception {
        String repo = BuildFixtures.bareRepository(root, java.util.Map.of("README.md", "just words\n".getBytes()));
        String build = startBuild(token, BuildFixtures.gitService(project, repo, "main", null, null));
        awaitState(token, build, "FAILED", BUILD);
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.startsWith("the repository has no Dockerfile and no stack could be detected: looked for go.mod"), reason);
    }

    @Test
    void aDockerfileLinkLeadingOutOfTheRepositoryFailsTheBuild() throws Exception {
        Path outside = Files.createTempFile(root, "outside", ".Dockerfile");
        Files.writeString(outside, "FROM scratch\n");
        Path work = Files.createTempDirectory(root, "linked");
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            Files.createSymbolicLink(work.resolve("Dockerfile.link"), outside.toAbsolutePath());
            git.add().addFilepattern(".").call();
            git.commit().setMessage("link").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
        }
        String build = startBuild(token, BuildFixtures.gitService(project, work.toUri().toString(), "main", "Dockerfile.link", null));
        awaitState(token, build, "FAILED", BUILD);
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertEquals("the Dockerfile path 'Dockerfile.link' leads out of the repository", reason);
    }

    List<JsonNode> events(String build) {
        List<JsonNode> out = new ArrayList<>();
        try (StreamProbe nats = new StreamProbe()) {
            for (String body : nats.bodies("paas.build." + project + ".>")) {
                JsonNode event = json.readTree(body);
                if (build.equals(event.path("subject").asText())) {
                    out.add(event);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The SSE events of the build's log as [id, event name, data]. */
    List<String[]> sse(String build, String lastEventId) {
        var request = given().auth().oauth2(token).accept("text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        String body = request.get("/api/v1/builds/" + build + "/logs").then().statusCode(200).extract().asString();
        List<String[]> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
            if (name != null) {
                events.add(new String[] {id, name, data.toString()});
            }
        }
        return events;
    }
}

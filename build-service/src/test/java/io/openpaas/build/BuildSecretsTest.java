package io.openpaas.build;

import static io.openpaas.build.BuildFixtures.awaitState;
import static io.openpaas.build.BuildFixtures.startBuild;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.secrets.SecretDelivery;
import io.openpaas.common.testing.SecretsResponderStub;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Build secrets: named keys of the service's linked groups reach a RUN as mounted secrets, masked in the log, never as build arguments. */
@QuarkusTest
class BuildSecretsTest {

    static final String PLANTED = "planted-build-secret-" + UUID.randomUUID();

    static String service(String project, String repo, String secrets) {
        String id = UUID.randomUUID().toString();
        BuildFixtures.publishService(project, id, "created", "{\"id\":\"" + id + "\",\"project_id\":\"" + project + "\",\"name\":\"Web\","
                + "\"slug\":\"web-" + id.substring(0, 8) + "\",\"type\":\"webapp\",\"build_source\":{\"type\":\"git\",\"repository\":\"" + repo
                + "\",\"branch\":\"main\",\"secrets\":" + secrets + "},\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}],\"version\":0}");
        return id;
    }

    @Test
    void aNamedKeyIsMountedForTheRunMaskedInTheLogAndAMissingOneFailsTheBuild() throws Exception {
        String project = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        String token = TestTokens.user(developer);
        BuildFixtures.member(project, developer, "developer");
        Path root = Files.createDirectories(Path.of("target", "repos"));
        // the RUN fails unless the secret is mounted; it prints it, so the log shows the masking
        String repo = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp(
                "RUN --mount=type=secret,id=BUILD_TOKEN [\"/bin/busybox\", \"cat\", \"/run/secrets/BUILD_TOKEN\"]"));
        try (SecretsResponderStub secrets = new SecretsResponderStub(() -> List.of(
                new SecretDelivery.Group("ci", 1, Map.of("BUILD_TOKEN", PLANTED, "OTHER", "unused-value"), "builtin", null)))) {
            String build = startBuild(token, service(project, repo, "[\"BUILD_TOKEN\"]"));
            awaitState(token, build, "SUCCEEDED", Duration.ofSeconds(120));
            String log = given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + build + "/logs").asString();
            assertTrue(log.contains("[openpaas] build secrets: BUILD_TOKEN"), log);
            assertTrue(log.contains("****"), "the RUN's output, masked: " + log);
            assertFalse(log.contains(PLANTED), log);
            // removed once buildah is done with it, before the push: gone by the time the build has succeeded
            try (var files = Files.walk(Path.of("target", "build-work"))) {
                List<Path> left = files.filter(f -> f.getFileName().toString().equals("BUILD_TOKEN")).toList();
                assertTrue(left.isEmpty(), "a secret file outlived its build: " + left);
            }

            String missing = startBuild(token, service(project, repo, "[\"NOT_LINKED\"]"));
            awaitState(token, missing, "FAILED", Duration.ofSeconds(120));
            String reason = given().auth().oauth2(token).get("/api/v1/builds/" + missing).path("reason");
            assertTrue(reason.contains("NOT_LINKED") && reason.contains("no secret group linked"), reason);
        }
        // without the mount the same RUN fails: what made it pass was the secret
        String plain = BuildFixtures.bareRepository(root, BuildFixtures.scratchApp(
                "RUN [\"/bin/busybox\", \"cat\", \"/run/secrets/BUILD_TOKEN\"]"));
        String without = startBuild(token, BuildFixtures.gitService(project, plain, "main", null, null));
        awaitState(token, without, "FAILED", Duration.ofSeconds(120));
    }
}

package io.openpaas.build;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kubernetes executor against the fabric8 test server (CRUD mode): the Job it creates is
 * checked as written, and the test plays the cluster, driving the pod's and the Job's status.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesExecutorTest.Profile.class)
class KubernetesExecutorTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openpaas.build.executor", "kubernetes", "openpaas.build.kubernetes.poll-interval", "PT0.2S",
                    "openpaas.build.kubernetes.registry-secret", "registry-push");
        }
    }

    static final String NS = "openpaas-builds";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @KubernetesTestServer
    KubernetesServer server;

    String project;
    String token;

    @BeforeEach
    void project() {
        project = UUID.randomUUID().toString();
        String developer = UUID.randomUUID().toString();
        token = TestTokens.user(developer);
        BuildFixtures.member(project, developer, "developer");
    }

    KubernetesClient cluster() {
        return server.getClient();
    }

    Job awaitJob(String build) {
        Await.until("the build Job", Duration.ofSeconds(20),
                () -> cluster().batch().v1().jobs().inNamespace(NS).withName("build-" + build).get() != null);
        return cluster().batch().v1().jobs().inNamespace(NS).withName("build-" + build).get();
    }

    /** The cluster starts the Job's pod; its clone container has ended with the commit as its message. */
    Pod podCloned(String build, Job job) {
        Pod pod = new PodBuilder().withNewMetadata().withName("build-" + build + "-x1").withNamespace(NS)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withNewStatus().withPhase("Running")
                .withInitContainerStatuses(new ContainerStatusBuilder().withName("clone").withNewState().withNewTerminated()
                        .withExitCode(0).withMessage(SHA + "\n").endTerminated().endState().build())
                .endStatus().build();
        return cluster().pods().inNamespace(NS).resource(pod).create();
    }

    void finish(String build, Pod pod, Job job, int exitCode, String message) {
        pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("build").withNewState().withNewTerminated()
                .withExitCode(exitCode).withMessage(message).endTerminated().endState().build()));
        cluster().pods().inNamespace(NS).resource(pod).update();
        Job current = cluster().batch().v1().jobs().inNamespace(NS).withName("build-" + build).get();
        current.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                .withSucceeded(exitCode == 0 ? 1 : 0).withFailed(exitCode == 0 ? 0 : 1).build());
        cluster().batch().v1().jobs().inNamespace(NS).resource(current).update();
    }

    @Test
    void aJobBuildsAndPushesAndItsStatusDrivesTheBuild() {
        String service = BuildFixtures.gitService(project, "file:///srv/git/app.git", "main", "docker/Dockerfile.prod", "app");
        String build = BuildFixtures.startBuild(token, service);
        Job job = awaitJob(build);

        var spec = job.getSpec();
        assertEquals(0, spec.getBackoffLimit());
        assertNotNull(spec.getActiveDeadlineSeconds());
        var pod = spec.getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        var clone = pod.getInitContainers().get(0);
        assertEquals("alpine/git:v2.45.2", clone.getImage());
        assertTrue(clone.getEnv().stream().anyMatch(e -> e.getName().equals("REPOSITORY") && e.getValue().equals("file:///srv/git/app.git")));
        assertTrue(clone.getEnv().stream().anyMatch(e -> e.getName().equals("BRANCH") && e.getValue().equals("main")));
        var builder = pod.getContainers().get(0);
        assertEquals("moby/buildkit:v0.16.0-rootless", builder.getImage());
        List<String> command = builder.getCommand();
        String image = BuildFixtures.REGISTRY + "/openpaas/" + project + "/" + service + ":" + build;
        assertTrue(command.containsAll(List.of("build", "--frontend", "dockerfile.v0", "context=/workspace/src/app",
                "dockerfile=/workspace/src/docker", "filename=Dockerfile.prod", "type=image,name=" + image + ",push=true")), command.toString());
        assertEquals("Unconfined", builder.getSecurityContext().getSeccompProfile().getType());
        assertEquals(1000L, builder.getSecurityContext().getRunAsUser());
        assertTrue(builder.getEnv().stream().anyMatch(e -> e.getName().equals("DOCKER_CONFIG")), "registry credentials mounted");
        assertEquals(build, job.getMetadata().getLabels().get("openpaas.io/build"));
        assertEquals(project, job.getMetadata().getLabels().get("openpaas.io/project"));

        Pod running = podCloned(build, job);
        BuildFixtures.awaitState(token, build, "BUILDING", Duration.ofSeconds(20));
        assertEquals(SHA, given().auth().oauth2(token).get("/api/v1/builds/" + build).path("commit_sha"));
        finish(build, running, job, 0, DIGEST + "\n");
        BuildFixtures.awaitState(token, build, "SUCCEEDED", Duration.ofSeconds(20));
        given().auth().oauth2(token).get("/api/v1/builds/" + build).then()
                .body("image", org.hamcrest.Matchers.equalTo(BuildFixtures.REGISTRY + "/openpaas/" + project + "/" + service + "@" + DIGEST))
                .body("commit_sha", org.hamcrest.Matchers.equalTo(SHA));
    }

    @Test
    void aFailedJobFailsTheBuildWithTheBuildersMessage() {
        String service = BuildFixtures.gitService(project, "file:///srv/git/app.git", "main", null, null);
        String build = BuildFixtures.startBuild(token, service);
        Job job = awaitJob(build);
        Pod running = podCloned(build, job);
        finish(build, running, job, 1, "failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1");
        BuildFixtures.awaitState(token, build, "FAILED", Duration.ofSeconds(20));
        String reason = given().auth().oauth2(token).get("/api/v1/builds/" + build).path("reason");
        assertTrue(reason.contains("exit 1") && reason.contains("failed to solve"), reason);
    }

    @Test
    void cancelDeletesTheJob() {
        String service = BuildFixtures.gitService(project, "file:///srv/git/app.git", "main", null, null);
        String build = BuildFixtures.startBuild(token, service);
        awaitJob(build);
        given().auth().oauth2(token).post("/api/v1/builds/" + build + "/cancel").then().statusCode(200);
        Await.until("the Job deleted", Duration.ofSeconds(20),
                () -> cluster().batch().v1().jobs().inNamespace(NS).withName("build-" + build).get() == null);
        assertEquals("CANCELLED", BuildFixtures.state(token, build));
    }

    @Test
    void aTokenReachesTheCloneThroughASecretTheJobOwns() {
        String service = BuildFixtures.gitService(project, "file:///srv/git/app.git", "main", null, null);
        String secret = "glpat-" + UUID.randomUUID();
        Await.until("credential set", Duration.ofSeconds(15), () -> given().auth().oauth2(token).contentType("application/json")
                .body("{\"type\":\"token\",\"token\":\"" + secret + "\"}").put("/api/v1/services/" + service + "/git-credential")
                .statusCode() == 200);
        String build = BuildFixtures.startBuild(token, service);
        Job job = awaitJob(build);
        var env = job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getEnv();
        var tokenVar = env.stream().filter(e -> e.getName().equals("GIT_TOKEN")).findFirst().orElseThrow();
        assertEquals("build-" + build + "-git", tokenVar.getValueFrom().getSecretKeyRef().getName());
        assertFalse(io.fabric8.kubernetes.client.utils.Serialization.asJson(job).contains(secret), "the token is not in the Job");
        Await.until("the credential Secret", Duration.ofSeconds(10),
                () -> cluster().secrets().inNamespace(NS).withName("build-" + build + "-git").get() != null);
        var stored = cluster().secrets().inNamespace(NS).withName("build-" + build + "-git").get();
        String value = stored.getStringData() != null ? stored.getStringData().get("token")
                : new String(java.util.Base64.getDecoder().decode(stored.getData().get("token")));
        assertEquals(secret, value);
        assertEquals("Job", stored.getMetadata().getOwnerReferences().get(0).getKind());
        given().auth().oauth2(token).post("/api/v1/builds/" + build + "/cancel").then().statusCode(200);
    }
}

package io.openpaas.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.RbacMatrix.Actor;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deployments through the API and over NATS, for real on this machine: project, members and
 * service arrive as project-service's events, images are built here with buildah, containers run
 * through podman's Docker API and answer through Caddy at the service's URL.
 */
@QuarkusTest
class DeploymentFlowTest {

    static final int PROXY = Integer.parseInt(System.getenv().getOrDefault("OPENPAAS_PROXY_PORT", "8000"));
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static String v1;
    static String v2;
    static String chatty;
    final ObjectMapper json = new ObjectMapper();
    String project;
    String projectSlug;
    String owner;
    String developer;
    String viewer;
    String service;
    String slug;

    @BeforeAll
    static void images() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        v1 = image("f1-" + tag, "flow one");
        v2 = image("f2-" + tag, "flow two");
        chatty = image("f3-" + tag, "flow three", "[\"/bin/busybox\",\"sh\",\"-c\",\"echo hello-from-replica; "
                + "(while true; do echo tick; sleep 1; done) & exec /bin/busybox httpd -f -p 8080 -h /www\"]");
    }

    static String image(String tag, String content) throws Exception {
        return image(tag, content, "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"]");
    }

    static String image(String tag, String content, String entrypoint) throws Exception {
        Path dir = Files.createTempDirectory("app");
        Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), content + "\n");
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nENTRYPOINT " + entrypoint + "\n");
        String name = "localhost/openpaas-test/flow:" + tag;
        Process p = new ProcessBuilder("buildah", "bud", "-q", "--layers", "-t", name, dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return name;
    }

    static String event(String domain, String type, String project, String subject, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/test\",\"type\":\"paas." + domain + "." + type
                + "\",\"subject\":\"" + subject + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\","
                + "\"projectid\":\"" + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":" + data + "}";
    }

    static void publish(String stream, String domain, String type, String project, String subject, String data) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish(stream, "paas." + domain + "." + project + "." + type, event(domain, type, project, subject, data),
                    UUID.randomUUID().toString());
        }
    }

    @BeforeEach
    void world() {
        project = UUID.randomUUID().toString();
        projectSlug = "p" + project.substring(0, 6);
        owner = UUID.randomUUID().toString();
        developer = UUID.randomUUID().toString();
        viewer = UUID.randomUUID().toString();
        service = UUID.randomUUID().toString();
        slug = "web" + service.substring(0, 6);
        publish("PAAS_PROJECT", "project", "created", project, project, "{\"id\":\"" + project + "\",\"slug\":\"" + projectSlug + "\"}");
        for (String[] m : new String[][] {{owner, "owner"}, {developer, "developer"}, {viewer, "viewer"}}) {
            publish("PAAS_MEMBER", "member", "added", project, m[0],
                    "{\"project_id\":\"" + project + "\",\"user_id\":\"" + m[0] + "\",\"role\":\"" + m[1] + "\"}");
        }
        publish("PAAS_SERVICE", "service", "created", project, service, "{\"id\":\"" + service + "\",\"project_id\":\"" + project
                + "\",\"slug\":\"" + slug + "\",\"build_source\":{\"type\":\"git\",\"repository\":\"file:///x.git\"},"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}],\"env\":{\"MODE\":\"test\"},"
                + "\"resources\":{\"cpu_millicores\":200,\"memory_mb\":64},\"replicas\":{\"desired\":1,\"min\":1,\"max\":5},"
                + "\"health_check\":{\"path\":\"/\",\"interval_seconds\":1,\"timeout_seconds\":1,\"failure_threshold\":3,"
                + "\"initial_delay_seconds\":0},\"auto_deploy\":true}");
        Await.until("projections", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.service_runtimes where service_id = ?::uuid",
                service) == 1 && Sql.count("select count(*) from deploys.member_projection where project_id = ?::uuid", project) == 3);
    }

    @AfterEach
    void removeContainers() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "curl -s --unix-socket " + System.getenv().getOrDefault("OPENPAAS_DOCKER_HOST", "")
                .replace("unix://", "") + " 'http://d/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.openpaas.service%3D" + service
                + "%22%5D%7D' | grep -o '\"Id\":\"[0-9a-f]*\"' | cut -d'\"' -f4 | while read id; do curl -s -X DELETE --unix-socket "
                + System.getenv().getOrDefault("OPENPAAS_DOCKER_HOST", "").replace("unix://", "") + " \"http://d/v1.41/containers/$id?force=1\"; done")
                .redirectErrorStream(true).start();
        p.waitFor();
    }

    String get() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROXY + "/index.html"))
                    .header("Host", slug + "." + projectSlug + ".localhost").timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (Exception e) {
            return "error " + e;
        }
    }

    String deploy(String image) {
        return given().auth().oauth2(TestTokens.user(developer)).contentType("application/json").body("{\"image\":\"" + image + "\"}")
                .post("/api/v1/services/" + service + "/deployments").then().statusCode(202).extract().path("id");
    }

    String state(String id) {
        return given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + id).path("state");
    }

    List<String> events(String deployment) throws Exception {
        List<String> types = new ArrayList<>();
        try (StreamProbe nats = new StreamProbe()) {
            for (String body : nats.bodies("paas.deploy." + project + ".>")) {
                var e = json.readTree(body);
                if (deployment.equals(e.path("subject").asText())) {
                    types.add(e.path("type").asText());
                }
            }
        }
        return types;
    }

    @Test
    void anImageIsDeployedBehindItsUrlAndAnotherReplacesIt() throws Exception {
        String first = deploy(v1);
        Await.until("AVAILABLE", Duration.ofSeconds(60), () -> "AVAILABLE".equals(state(first)));
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + first).then()
                .body("url", org.hamcrest.Matchers.equalTo("http://" + slug + "." + projectSlug + ".localhost"));
        assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"), events(first));

        String second = deploy(v2);
        Await.until("the second AVAILABLE", Duration.ofSeconds(60), () -> "AVAILABLE".equals(state(second)));
        assertEquals("200 flow two", get());
        Await.until("the first SUPERSEDED", Duration.ofSeconds(10), () -> "SUPERSEDED".equals(state(first)));
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/deployments").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(second, first));
    }

    String accepted(String path, String body) {
        var request = given().auth().oauth2(TestTokens.user(developer)).contentType("application/json");
        if (body != null) {
            request.body(body);
        }
        return request.post("/api/v1/services/" + service + path).then().statusCode(202).extract().path("id");
    }

    void awaitAvailable(String deployment) {
        Await.until(deployment + " AVAILABLE", Duration.ofSeconds(60), () -> "AVAILABLE".equals(state(deployment)));
    }

    int ready() {
        return given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/status").then().statusCode(200)
                .extract().path("ready_replicas");
    }

    @Test
    void scaleRestartAndRollbackAreDeploymentsAndStatusTellsWhatRuns() {
        String first = deploy(v1);
        awaitAvailable(first);
        awaitAvailable(accepted("/scale", "{\"replicas\":3}"));
        assertEquals(3, ready());
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(developer)).contentType("application/json").body("{\"replicas\":6}")
                .post("/api/v1/services/" + service + "/scale").then().statusCode(400).body(org.hamcrest.Matchers.containsString("replicas.max"));
        given().auth().oauth2(TestTokens.user(developer)).contentType("application/json").body("{\"replicas\":-1}")
                .post("/api/v1/services/" + service + "/scale").then().statusCode(400);

        String second = deploy(v2);
        awaitAvailable(second);
        assertEquals("200 flow two", get());
        assertEquals(3, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + second).<Integer>path("replicas"),
                "a new image keeps the scale");
        awaitAvailable(accepted("/rollback", "{}"));
        assertEquals("200 flow one", get());
        awaitAvailable(accepted("/restart", null));
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/status").then()
                .body("image", org.hamcrest.Matchers.equalTo(v1)).body("urls[0]",
                        org.hamcrest.Matchers.equalTo("http://" + slug + "." + projectSlug + ".localhost"));

        awaitAvailable(accepted("/scale", "{\"replicas\":0}"));
        assertEquals(0, ready());
        assertEquals("404 no OpenPaaS service answers at this address", get());
    }

    @Test
    void aSuccessfulBuildOfAnAutoDeployServiceDeploysOnceEvenIfDeliveredTwice() throws Exception {
        String build = UUID.randomUUID().toString();
        String body = event("build", "succeeded", project, build, "{\"id\":\"" + build + "\",\"project_id\":\"" + project + "\",\"service_id\":\""
                + service + "\",\"state\":\"SUCCEEDED\",\"image\":\"" + v1 + "\",\"commit_sha\":\"" + "a".repeat(40) + "\"}");
        try (StreamProbe nats = new StreamProbe()) {
            // the same event twice, under two message ids: the inbox alone would not stop it
            nats.publish("PAAS_BUILD", "paas.build." + project + ".succeeded", body, UUID.randomUUID().toString());
            nats.publish("PAAS_BUILD", "paas.build." + project + ".succeeded", body, UUID.randomUUID().toString());
        }
        Await.until("a deployment of the build AVAILABLE", Duration.ofSeconds(60), () -> Sql.count(
                "select count(*) from deploys.deployments where build_id = ?::uuid and state = 'AVAILABLE'", build) == 1);
        assertEquals(1, Sql.count("select count(*) from deploys.deployments where build_id = ?::uuid", build));
        assertEquals("200 flow one", get());
    }

    @Test
    void deletingTheServiceRemovesItsWorkload() throws Exception {
        String first = deploy(v1);
        awaitAvailable(first);
        assertEquals("200 flow one", get());
        publish("PAAS_SERVICE", "service", "deleted", project, service,
                "{\"id\":\"" + service + "\",\"project_id\":\"" + project + "\",\"slug\":\"" + slug + "\"}");
        Await.until("the URL gone", Duration.ofSeconds(30), () -> get().equals("404 no OpenPaaS service answers at this address"));
        Await.until("no container left", Duration.ofSeconds(30), () -> containers() == 0);
        assertEquals("SUPERSEDED", state(first));
    }

    /** The service's containers, asked of the engine directly. */
    long containers() {
        String socket = System.getenv().getOrDefault("OPENPAAS_DOCKER_HOST", "").replace("unix://", "");
        try {
            Process p = new ProcessBuilder("curl", "-s", "--unix-socket", socket, "http://d/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B"
                    + "%22io.openpaas.service%3D" + service + "%22%5D%7D").start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0 || !out.startsWith("[")) {
                throw new IllegalStateException("the engine did not list containers: " + out);
            }
            return out.split("\"Id\"", -1).length - 1;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReplicasOutputStreamsAndFollows() throws Exception {
        awaitAvailable(deploy(chatty));
        String stored = given().auth().oauth2(TestTokens.user(viewer)).accept("text/event-stream").queryParam("follow", "false")
                .queryParam("tail", "50").get("/api/v1/services/" + service + "/logs").then().statusCode(200).extract().asString();
        assertTrue(stored.contains("hello-from-replica") && stored.contains("data:[openpaas-" + slug + "-"), stored);

        // following: ticks written after the stream opened keep arriving
        HttpRequest follow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port + "/api/v1/services/"
                + service + "/logs?tail=0")).header("Authorization", "Bearer " + TestTokens.user(viewer)).header("Accept", "text/event-stream").build();
        var response = HTTP.send(follow, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        var reader = java.util.concurrent.CompletableFuture.runAsync(() -> response.body()
                .takeWhile(line -> ticks.get() < 2).forEach(line -> {
                    if (line.endsWith("] tick")) {
                        ticks.incrementAndGet();
                    }
                }));
        Await.until("two new ticks while following", Duration.ofSeconds(15), () -> ticks.get() >= 2);
        reader.cancel(true);

        given().auth().oauth2(TestTokens.user(viewer)).queryParam("tail", "-1").get("/api/v1/services/" + service + "/logs").then().statusCode(400);
        given().auth().oauth2(TestTokens.user(viewer)).queryParam("since", "yesterday").get("/api/v1/services/" + service + "/logs")
                .then().statusCode(400);
    }

    @Test
    void badInputIs400AndStartsNothing() {
        String dev = TestTokens.user(developer);
        for (String body : new String[] {"{\"image\":\"NOT A REFERENCE\"}", "{\"image\":\"a b\"}", "{\"build_id\":\"" + UUID.randomUUID() + "\"}",
                "{\"image\":\"busybox\",\"build_id\":\"" + UUID.randomUUID() + "\"}", "{}"}) {
            given().auth().oauth2(dev).contentType("application/json").body(body).post("/api/v1/services/" + service + "/deployments")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        assertEquals(0, Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid", service));
    }

    @Test
    void everyEndpointAnswersEachRoleAsDesigned() {
        String other = UUID.randomUUID().toString();
        publish("PAAS_MEMBER", "member", "added", UUID.randomUUID().toString(), other,
                "{\"project_id\":\"" + UUID.randomUUID() + "\",\"user_id\":\"" + other + "\",\"role\":\"owner\"}");
        String existing = deploy("localhost/openpaas-test/absent:never");
        Await.until("it ended", Duration.ofSeconds(60), () -> "FAILED".equals(state(existing)));
        RbacMatrix<String> matrix = new RbacMatrix<String>()
                // ANONYMOUS, VIEWER, DEVELOPER, OWNER, OTHER_OWNER, ADMIN
                .row("POST /api/v1/services/{serviceId}/deployments", x -> "/api/v1/services/" + service + "/deployments",
                        (x, a) -> "{\"image\":\"localhost/openpaas-test/absent:never\"}", false, 401, 403, 202, 202, 404, 202)
                .row("GET /api/v1/services/{serviceId}/deployments", x -> "/api/v1/services/" + service + "/deployments", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/deployments/{id}", x -> "/api/v1/deployments/" + existing, 401, 200, 200, 200, 404, 200)
                .row("POST /api/v1/deployments/{id}/cancel", x -> "/api/v1/deployments/" + existing + "/cancel", 401, 403, 409, 409, 404, 409)
                // nothing ever ran: scaling and restarting have nothing to start from, rolling back nothing to go back to
                .row("POST /api/v1/services/{serviceId}/scale", x -> "/api/v1/services/" + service + "/scale", (x, a) -> "{\"replicas\":1}", false,
                        401, 403, 202, 202, 404, 202)
                .row("POST /api/v1/services/{serviceId}/restart", x -> "/api/v1/services/" + service + "/restart", 401, 403, 202, 202, 404, 202)
                .row("POST /api/v1/services/{serviceId}/rollback", x -> "/api/v1/services/" + service + "/rollback", (x, a) -> "{}", false,
                        401, 403, 409, 409, 404, 409)
                .row("GET /api/v1/services/{serviceId}/status", x -> "/api/v1/services/" + service + "/status", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/services/{serviceId}/logs", x -> "/api/v1/services/" + service + "/logs?follow=false", 401, 200, 200, 200, 404, 200);
        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run("w", () -> "w", (x, actor) -> switch (actor) {
            case ANONYMOUS -> null;
            case VIEWER -> TestTokens.user(viewer);
            case DEVELOPER -> TestTokens.user(developer);
            case OWNER -> TestTokens.user(owner);
            case OTHER_OWNER -> TestTokens.user(other);
            case ADMIN -> TestTokens.admin();
        });
        String reason = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + existing).path("reason");
        assertTrue(reason.contains("not available"), reason);
    }
}

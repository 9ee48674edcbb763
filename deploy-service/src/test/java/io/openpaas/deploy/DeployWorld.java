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
 * The world of deployment tests, for real on this machine: project, members and service arrive as
 * project-service's events, images are built here with buildah, containers run through podman's
 * Docker API and answer through Caddy at the service's URL.
 */
abstract class DeployWorld {

    static final int PROXY = Integer.parseInt(System.getenv().getOrDefault("OPENPAAS_PROXY_PORT", "8000"));
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static String v1;
    static String v2;
    static String chatty;
    static String broken;
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
        // listens elsewhere than its health check asks: never healthy
        broken = image("f4-" + tag, "never served", "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"9999\",\"-h\",\"/www\"]");
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
        publish("PAAS_SERVICE", "service", "created", project, service, serviceData("test", false));
        Await.until("projections", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.service_runtimes where service_id = ?::uuid",
                service) == 1 && Sql.count("select count(*) from deploys.member_projection where project_id = ?::uuid", project) == 3);
    }

    /** The service as project-service's events carry it, with its {@code MODE} variable and auto-rollback switch. */
    String serviceData(String mode, boolean autoRollback) {
        return "{\"id\":\"" + service + "\",\"project_id\":\"" + project
                + "\",\"slug\":\"" + slug + "\",\"build_source\":{\"type\":\"git\",\"repository\":\"file:///x.git\"},"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}],\"env\":{\"MODE\":\"" + mode + "\"},"
                + "\"resources\":{\"cpu_millicores\":200,\"memory_mb\":64},\"replicas\":{\"desired\":1,\"min\":1,\"max\":5},"
                + "\"health_check\":{\"path\":\"/\",\"interval_seconds\":1,\"timeout_seconds\":1,\"failure_threshold\":3,"
                + "\"initial_delay_seconds\":0},\"auto_deploy\":true,\"auto_rollback\":" + autoRollback + "}";
    }

    /** Publishes {@code paas.service.updated} and waits until deploy-service's projection holds it. */
    void updateService(String mode, boolean autoRollback) {
        publish("PAAS_SERVICE", "service", "updated", project, service, serviceData(mode, autoRollback));
        Await.until("the update projected", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.service_runtimes "
                + "where service_id = ?::uuid and runtime like ?", service, "%\"MODE\":\"" + mode + "\"%\"auto_rollback\":" + autoRollback + "%") == 1);
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

    /** The types of the events published about one deployment, in order. */
    List<String> events(String deployment) {
        List<String> types = new ArrayList<>();
        try (StreamProbe nats = new StreamProbe()) {
            for (String body : nats.bodies("paas.deploy." + project + ".>")) {
                var e = json.readTree(body);
                if (deployment.equals(e.path("subject").asText())) {
                    types.add(e.path("type").asText());
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return types;
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
}

package io.openpaas.project.services;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ServiceSpecResourceTest {

    final String owner = UUID.randomUUID().toString();

    RequestSpecification as(String user) {
        return given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.JSON);
    }

    String project() {
        return as(owner).body("{\"name\":\"svc test\",\"slug\":\"s-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/v1/projects").then().statusCode(201).extract().path("id");
    }

    static final String API_SERVER = "{\"name\":\"API Server\",\"slug\":\"api-server\",\"type\":\"webapp\","
            + "\"build_source\":{\"type\":\"git\",\"repository\":\"https://example.com/acme/api.git\",\"branch\":\"main\"},"
            + "\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}]}";

    @Test
    void createsListsReadsUpdatesAndDeletesAService() {
        String project = project();
        String id = as(owner).body(API_SERVER).post("/api/v1/projects/" + project + "/services")
                .then().statusCode(201)
                .body("slug", equalTo("api-server"), "build_source.type", equalTo("git"), "build_source.branch", equalTo("main"),
                        "ports[0].port", equalTo(8080), "ports[0].public", equalTo(true), "project_id", equalTo(project))
                .extract().path("id");
        as(owner).get("/api/v1/projects/" + project + "/services").then().statusCode(200).body("items.size()", equalTo(1));
        as(owner).get("/api/v1/services/" + id).then().statusCode(200).header("ETag", "\"0\"");
        as(owner).header("If-Match", "\"0\"").body("{\"ports\":[{\"name\":\"web\",\"port\":9090}]}").patch("/api/v1/services/" + id)
                .then().statusCode(200).body("ports[0].port", equalTo(9090), "version", equalTo(1), "name", equalTo("API Server"));
        as(owner).header("If-Match", "\"0\"").body("{\"name\":\"stale\"}").patch("/api/v1/services/" + id).then().statusCode(412);
        as(owner).delete("/api/v1/services/" + id).then().statusCode(204);
        as(owner).get("/api/v1/services/" + id).then().statusCode(404);
        try (StreamProbe stream = new StreamProbe()) {
            for (String event : new String[] {"created", "updated", "deleted"}) {
                assertEquals(1L, Await.value(event, Duration.ofSeconds(10), 1L,
                        () -> stream.count("PAAS_SERVICE", "paas.service." + project + "." + event)));
            }
        }
    }

    @Test
    void aServiceSaysHowItRunsWithDefaultsAndBoundedReplicas() {
        String project = project();
        String id = as(owner).body(API_SERVER).post("/api/v1/projects/" + project + "/services").then().statusCode(201)
                .body("env", equalTo(java.util.Map.of()), "resources.cpu_millicores", equalTo(500), "resources.memory_mb", equalTo(256),
                        "replicas.desired", equalTo(1), "replicas.min", equalTo(1), "replicas.max", equalTo(10),
                        "health_check.path", equalTo("/"), "health_check.port", equalTo(8080), "health_check.interval_seconds", equalTo(5),
                        "auto_deploy", equalTo(true), "auto_rollback", equalTo(false))
                .extract().path("id");
        as(owner).body("{\"env\":{\"MODE\":\"prod\"},\"command\":[\"/bin/app\"],\"args\":[\"--serve\"],"
                + "\"replicas\":{\"desired\":3,\"min\":1,\"max\":5},\"health_check\":{\"path\":\"/health\"},\"auto_deploy\":false,"
                + "\"auto_rollback\":true}")
                .patch("/api/v1/services/" + id).then().statusCode(200)
                .body("env.MODE", equalTo("prod"), "command[0]", equalTo("/bin/app"), "args[0]", equalTo("--serve"),
                        "replicas.desired", equalTo(3), "replicas.max", equalTo(5), "health_check.path", equalTo("/health"),
                        "health_check.timeout_seconds", equalTo(2), "auto_deploy", equalTo(false), "auto_rollback", equalTo(true), "version", equalTo(1));
        // changing the ports moves the default health check with them
        as(owner).body("{\"ports\":[{\"name\":\"web\",\"port\":9090}]}").patch("/api/v1/services/" + id).then().statusCode(200)
                .body("health_check.port", equalTo(9090));
        String[][] refused = {
                {"{\"replicas\":{\"desired\":6,\"min\":1,\"max\":5}}", "replicas.desired"},
                {"{\"replicas\":{\"desired\":1,\"min\":4,\"max\":3}}", "replicas.min"},
                {"{\"replicas\":{\"desired\":1000}}", "replicas.desired"},
                {"{\"replicas\":{\"desired\":-1}}", "replicas.desired"},
                {"{\"env\":{\"1BAD\":\"x\"}}", "env"},
                {"{\"health_check\":{\"port\":7000}}", "health_check.port"},
                {"{\"health_check\":{\"path\":\"health\"}}", "health_check.path"},
                {"{\"resources\":{\"memory_mb\":1}}", "resources.memory_mb"},
        };
        for (String[] c : refused) {
            as(owner).body(c[0]).patch("/api/v1/services/" + id).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", org.hamcrest.Matchers.startsWith(c[1]));
        }
        as(owner).get("/api/v1/services/" + id).then().body("version", equalTo(2), "replicas.desired", equalTo(3));
        // a prebuilt image does not deploy itself by default
        as(owner).body("{\"name\":\"Cache\",\"build_source\":{\"type\":\"image\",\"image\":\"redis:7\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(201).body("auto_deploy", equalTo(false));
    }

    @Test
    void refusesIncoherentOrDuplicateServicesAndWritesNothing() {
        String project = project();
        as(owner).body(API_SERVER).post("/api/v1/projects/" + project + "/services").then().statusCode(201);
        long outbox = Sql.count("select count(*) from projects.outbox_events where subject not like 'paas.security.%'");
        as(owner).body(API_SERVER).post("/api/v1/projects/" + project + "/services").then().statusCode(409)
                .contentType("application/problem+json");
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"git\"}}").post("/api/v1/projects/" + project + "/services")
                .then().statusCode(400).body("errors[0].field", equalTo("build_source.repository"));
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"svn\",\"repository\":\"x\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400).body("errors[0].field", equalTo("build_source.type"));
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"image\",\"image\":\"nginx\"},\"ports\":[{\"name\":\"http\",\"port\":70000}]}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400).body("errors[0].field", equalTo("ports[0].port"));
        // a credential written into the URL is refused, pointing to the credential API, and not echoed
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"git\",\"repository\":\"https://bob:hunter22@example.com/r.git\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400)
                .body("errors[0].field", equalTo("build_source.repository"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("git-credential"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("hunter22")));
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"git\",\"repository\":\"https://ghp_abc@example.com/r.git\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400);
        // Dockerfile and context stay inside the repository
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"git\",\"repository\":\"https://example.com/r.git\",\"dockerfile\":\"../Dockerfile\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400).body("errors[0].field", equalTo("build_source.dockerfile"));
        as(owner).body("{\"name\":\"w\",\"build_source\":{\"type\":\"git\",\"repository\":\"https://example.com/r.git\",\"context\":\"/etc\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(400).body("errors[0].field", equalTo("build_source.context"));
        as(UUID.randomUUID().toString()).body(API_SERVER).post("/api/v1/projects/" + project + "/services").then().statusCode(404);
        assertEquals(1, Sql.count("select count(*) from projects.services where project_id = ?", UUID.fromString(project)));
        assertEquals(outbox, Sql.count("select count(*) from projects.outbox_events where subject not like 'paas.security.%'"));
    }

    /** The same Idempotency-Key and body answer the first service again; another body with it is refused; one row, one event. */
    @Test
    void creatingAServiceTakesAnIdempotencyKey() {
        String project = project();
        String key = UUID.randomUUID().toString();
        String first = as(owner).header("Idempotency-Key", key).body(API_SERVER).post("/api/v1/projects/" + project + "/services")
                .then().statusCode(201).extract().path("id");
        as(owner).header("Idempotency-Key", key).body(API_SERVER).post("/api/v1/projects/" + project + "/services")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        as(owner).header("Idempotency-Key", key).body(API_SERVER.replace("api-server", "other")).post("/api/v1/projects/" + project + "/services")
                .then().statusCode(422).contentType("application/problem+json");
        org.junit.jupiter.api.Assertions.assertEquals(1, io.openpaas.common.testing.Sql.count(
                "select count(*) from projects.services where project_id = ?::uuid", project));
        org.junit.jupiter.api.Assertions.assertEquals(1, io.openpaas.common.testing.Sql.count(
                "select count(*) from projects.outbox_events where subject = ?", "paas.service." + project + ".created"));
    }
}

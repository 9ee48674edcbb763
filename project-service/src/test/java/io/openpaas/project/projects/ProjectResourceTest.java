package io.openpaas.project.projects;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProjectResourceTest {

    static StreamProbe stream;
    final String owner = UUID.randomUUID().toString();

    @BeforeAll
    static void connect() {
        stream = new StreamProbe();
    }

    @AfterAll
    static void disconnect() {
        stream.close();
    }

    RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static String slug() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Response create(String slug) {
        return as(TestTokens.user(owner)).body("{\"name\":\"My App\",\"slug\":\"" + slug + "\"}").post("/api/v1/projects");
    }

    @Test
    void createsReadsAndListsAProjectAndPublishesOneEvent() {
        String slug = slug();
        Response created = create(slug);
        created.then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/projects/" + created.path("id")))
                .header("ETag", "\"0\"")
                .body("name", equalTo("My App"), "slug", equalTo(slug), "created_by", equalTo(owner), "version", equalTo(0));
        String id = created.path("id");

        as(TestTokens.user(owner)).get("/api/v1/projects/" + id).then().statusCode(200).body("slug", equalTo(slug));
        as(TestTokens.user(owner)).get("/api/v1/projects?limit=200").then().statusCode(200).body("items.id", hasItem(id));
        as(TestTokens.admin()).get("/api/v1/projects/" + id).then().statusCode(200);

        long events = Await.value("project event", Duration.ofSeconds(10), 1L,
                () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
        assertEquals(1, events);
        relayPassed(owner);
        assertEquals(1, stream.count("PAAS_PROJECT", "paas.project." + id + ".>"));
        assertEquals(1, stream.count("PAAS_MEMBER", "paas.member." + id + ".added"));
    }

    @Test
    void aProjectNamesTheClusterItDeploysToLocalByDefaultAndOwnersMoveIt() throws Exception {
        String id = create(slug()).then().statusCode(201).body("cluster", equalTo("local")).extract().path("id");
        as(TestTokens.user(owner)).header("If-Match", "\"0\"").body("{\"cluster\":\"prod-eu\"}").patch("/api/v1/projects/" + id)
                .then().statusCode(200).body("cluster", equalTo("prod-eu"));
        as(TestTokens.user(owner)).body("{\"cluster\":\"Not A Cluster\"}").patch("/api/v1/projects/" + id).then().statusCode(400);
        Await.until("the move published", Duration.ofSeconds(10), () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".updated") == 1);
        String updated = stream.bodies("paas.project." + id + ".updated").get(0);
        assertEquals("prod-eu", new com.fasterxml.jackson.databind.ObjectMapper().readTree(updated).path("data").path("cluster").asText(), updated);
        as(TestTokens.user(owner)).body("{\"name\":\"Edge\",\"slug\":\"" + slug() + "\",\"cluster\":\"edge\"}").post("/api/v1/projects")
                .then().statusCode(201).body("cluster", equalTo("edge"));
    }

    @Test
    void derivesTheSlugFromTheName() {
        String name = "Shop " + UUID.randomUUID().toString().substring(0, 6);
        as(TestTokens.user(owner)).body("{\"name\":\"" + name + "\"}").post("/api/v1/projects")
                .then().statusCode(201).body("slug", equalTo(name.toLowerCase().replace(' ', '-')));
    }

    @Test
    void paginatesWithAnOpaqueCursor() {
        for (int i = 0; i < 3; i++) {
            create(slug()).then().statusCode(201);
        }
        Response first = as(TestTokens.user(owner)).get("/api/v1/projects?limit=2");
        first.then().statusCode(200).body("items.size()", equalTo(2), "next_cursor", notNullValue());
        as(TestTokens.user(owner)).queryParam("limit", 2).queryParam("cursor", first.<String>path("next_cursor"))
                .get("/api/v1/projects").then().statusCode(200).body("items.size()", equalTo(1), "next_cursor", nullValue());
        as(TestTokens.user(owner)).get("/api/v1/projects?limit=0").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        as(TestTokens.user(owner)).get("/api/v1/projects?cursor=%%%").then().statusCode(400);
    }

    @Test
    void updatesWithIfMatchAndRefusesAStaleOne() {
        String id = create(slug()).path("id");
        String newSlug = slug();
        as(TestTokens.user(owner)).header("If-Match", "\"0\"").body("{\"name\":\"Renamed\",\"slug\":\"" + newSlug + "\"}")
                .patch("/api/v1/projects/" + id).then().statusCode(200).header("ETag", "\"1\"")
                .body("name", equalTo("Renamed"), "slug", equalTo(newSlug), "version", equalTo(1));
        long outboxBefore = Sql.count("select count(*) from projects.outbox_events where subject not like 'paas.security.%'");
        as(TestTokens.user(owner)).header("If-Match", "\"0\"").body("{\"name\":\"Stale\"}")
                .patch("/api/v1/projects/" + id).then().statusCode(412).contentType("application/problem+json")
                .body("type", equalTo("https://openpaas.dev/problems/precondition-failed"));
        assertEquals("Renamed", as(TestTokens.user(owner)).get("/api/v1/projects/" + id).path("name"));
        assertEquals(outboxBefore, Sql.count("select count(*) from projects.outbox_events where subject not like 'paas.security.%'"));
        Await.value("update event", Duration.ofSeconds(10), 1L, () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".updated"));
    }

    @Test
    void deletesAProjectAndItsServices() {
        String id = create(slug()).path("id");
        as(TestTokens.user(owner)).body("{\"name\":\"web\",\"build_source\":{\"type\":\"image\",\"image\":\"nginx:1.27\"}}")
                .post("/api/v1/projects/" + id + "/services").then().statusCode(201);
        as(TestTokens.user(owner)).delete("/api/v1/projects/" + id).then().statusCode(204);
        as(TestTokens.user(owner)).get("/api/v1/projects/" + id).then().statusCode(404);
        assertEquals(0, Sql.count("select count(*) from projects.services where project_id = ?", UUID.fromString(id)));
        Await.value("deleted events", Duration.ofSeconds(10), 1L, () -> stream.count("PAAS_SERVICE", "paas.service." + id + ".deleted"));
        Await.value("deleted events", Duration.ofSeconds(10), 1L, () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".deleted"));
    }

    @Test
    void idempotencyKeyReplaysTheFirstAnswer() {
        String slug = slug();
        String key = UUID.randomUUID().toString();
        String body = "{\"name\":\"Once\",\"slug\":\"" + slug + "\"}";
        String first = as(TestTokens.user(owner)).header("Idempotency-Key", key).body(body).post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
        as(TestTokens.user(owner)).header("Idempotency-Key", key).body(body).post("/api/v1/projects")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(first));
        as(TestTokens.user(owner)).header("Idempotency-Key", key).body("{\"name\":\"Other\",\"slug\":\"" + slug() + "\"}")
                .post("/api/v1/projects").then().statusCode(422).contentType("application/problem+json");
        assertEquals(1, Sql.count("select count(*) from projects.projects where slug = ?", slug));
        relayPassed(owner);
        assertEquals(1, stream.count("PAAS_PROJECT", "paas.project." + first + ".created"));
    }

    @Test
    void aProjectOfSomeoneElseIsNotFound() {
        String id = create(slug()).path("id");
        as(TestTokens.user(UUID.randomUUID().toString())).get("/api/v1/projects/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        as(TestTokens.user(UUID.randomUUID().toString())).body("{\"name\":\"x\"}").patch("/api/v1/projects/" + id)
                .then().statusCode(404);
    }

    /** Pages read while projects are being created: every project that existed at the start is listed exactly once. */
    @Test
    void cursorPagesStayExactWhileRowsAreInserted() {
        String me = UUID.randomUUID().toString();
        java.util.List<String> before = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(as(TestTokens.user(me)).body("{\"name\":\"Paged\",\"slug\":\"" + slug() + "\"}").post("/api/v1/projects")
                    .then().statusCode(201).extract().path("id"));
        }
        java.util.List<String> listed = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = as(TestTokens.user(me)).queryParam("limit", 2).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/v1/projects").then().statusCode(200).extract();
            listed.addAll(page.<java.util.List<String>>path("items.id"));
            cursor = page.path("next_cursor");
            // someone creates a project between every two pages
            as(TestTokens.user(me)).body("{\"name\":\"Inserted\",\"slug\":\"" + slug() + "\"}").post("/api/v1/projects").then().statusCode(201);
            pages++;
        } while (cursor != null && pages < 20);
        org.junit.jupiter.api.Assertions.assertNull(cursor, "the pages came to an end");
        assertEquals(new java.util.HashSet<>(listed).size(), listed.size(), "no project twice: " + listed);
        for (String id : before) {
            assertEquals(1, java.util.Collections.frequency(listed, id), "listed once: " + id);
        }
    }

    /** Writes a marker and waits for its event: the relay publishes in order, so what came before is published (once) too. */
    private void relayPassed(String owner) {
        String marker = as(TestTokens.user(owner)).body("{\"name\":\"Marker\",\"slug\":\"" + slug() + "\"}").post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
        Await.value("the marker's event", Duration.ofSeconds(10), 1L, () -> stream.count("PAAS_PROJECT", "paas.project." + marker + ".created"));
    }
}

package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole path through the gateway, on the real services, PostgreSQL and NATS. */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true)
class GatewayEndToEndTest {

    static StreamProbe stream;

    static java.sql.Timestamp classStart;

    @BeforeAll
    static void connect() {
        stream = new StreamProbe();
        classStart = java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1));
    }

    /** Whatever the tests of this class did, each event it caused is in the audit trail exactly once, complete. */
    @AfterAll
    static void everyEventOfThisClassWasAuditedOnce() {
        try {
            Await.until("every event of this class audited", Duration.ofSeconds(30), () -> Sql.count(
                    "select count(*) from projects.outbox_events o where o.created_at >= ? and 1 <> (select count(*) from audit.audit_records a "
                            + "where a.event_id = o.id::text and a.actor is not null and a.type is not null and a.resource is not null)",
                    classStart) == 0);
            org.junit.jupiter.api.Assertions.assertTrue(Sql.count("select count(*) from projects.outbox_events where created_at >= ?", classStart) > 10);
        } finally {
            if (stream != null) {
                stream.close();
            }
        }
    }

    static String adminJwt() {
        return given().contentType(ContentType.JSON).body("{\"api_token\":\"" + PlatformProcesses.ADMIN_API_TOKEN + "\"}")
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
    }

    @Test
    void aProjectCreatedThroughTheGatewayIsPublishedAndAuditedExactlyOnce() {
        String jwt = adminJwt();
        String requestId = UUID.randomUUID().toString();
        String slug = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        String id = given().auth().oauth2(jwt).contentType(ContentType.JSON).header("X-Request-Id", requestId)
                .body("{\"name\":\"My App\",\"slug\":\"" + slug + "\"}").post("/api/v1/projects")
                .then().statusCode(201)
                .header("X-Request-Id", requestId)
                .header("Server-Timing", matchesPattern("gateway;dur=\\d+\\.\\d{3}"))
                .body("slug", equalTo(slug)).extract().path("id");

        Await.value("event in the stream", Duration.ofSeconds(10), 1L,
                () -> stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
        Await.value("audit record", Duration.ofSeconds(10), 1L,
                () -> Sql.count("select count(*) from audit.audit_records where type = 'paas.project.created' and resource = ?", id));
        // a marker write after it: once audited, anything the relay and the consumer did with the first is done too
        String marker = given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body("{\"name\":\"marker\",\"slug\":\"mk-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
        Await.value("the marker audited", Duration.ofSeconds(10), 1L,
                () -> Sql.count("select count(*) from audit.audit_records where type = 'paas.project.created' and resource = ?", marker));
        assertEquals(1, stream.count("PAAS_PROJECT", "paas.project." + id + ".created"));
        assertEquals(1, Sql.count("select count(*) from audit.audit_records where type = 'paas.project.created' and resource = ?", id));

        given().auth().oauth2(jwt).queryParam("resource", id).get("/api/v1/audit").then().statusCode(200)
                .body("items.size()", equalTo(1), "items[0].correlation_id", equalTo(requestId), "items[0].project_id", equalTo(id));
        given().auth().oauth2(jwt).get("/api/v1/projects/" + id).then().statusCode(200).header("ETag", "\"0\"");
    }

    @Test
    void refusesMissingExpiredAndTamperedTokensAtTheEdge() {
        String user = UUID.randomUUID().toString();
        java.util.List<String> ids = new java.util.ArrayList<>();
        traced(ids, null).get("/api/v1/projects/" + UUID.randomUUID()).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        traced(ids, TestTokens.expired(user)).get("/api/v1/projects/" + UUID.randomUUID()).then().statusCode(401);
        traced(ids, TestTokens.tampered(TestTokens.user(user))).get("/api/v1/projects/" + UUID.randomUUID()).then().statusCode(401);
        traced(ids, TestTokens.signedByAnotherKey(user)).get("/api/v1/audit/" + UUID.randomUUID()).then().statusCode(401);
        given().auth().oauth2(TestTokens.user(user)).get("/api/v1/projects").then().statusCode(200);
        // refused at the edge: the gateway recorded each refusal, and no service ever saw the request
        Await.until("the gateway's refusals audited", Duration.ofSeconds(15), () -> ids.stream().allMatch(id -> Sql.count(
                "select count(*) from audit.audit_records where correlation_id = ? and type = 'paas.security.denied' and data like ?",
                id, "%\"service\":\"gateway\"%") == 1));
        for (String id : ids) {
            for (String schema : java.util.List.of("projects", "audit")) {
                assertEquals(0, Sql.count("select count(*) from " + schema + ".outbox_events where payload like ?",
                        "%\"correlationid\":\"" + id + "\"%"), "the service behind saw request " + id);
            }
        }
    }

    @Test
    void refusesABodyOverTheLimitAndWritesNothing() {
        long before = Sql.count("select count(*) from projects.projects");
        String big = "{\"name\":\"x\",\"description\":\"" + "d".repeat(1_100_000) + "\"}";
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(big).post("/api/v1/projects")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://openpaas.dev/problems/payload-too-large"));
        assertEquals(before, Sql.count("select count(*) from projects.projects"));
    }

    @Test
    void forwardsProblemsOfTheServiceUnchanged() {
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/projects").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://openpaas.dev/problems/malformed-json"));
    }

    @Test
    void answersProblemsWhenAServiceIsDownOrSlowOrThePathUnknown() {
        String token = TestTokens.admin();
        given().auth().oauth2(token).get("/api/v1/builds/" + UUID.randomUUID()).then().statusCode(502)
                .contentType("application/problem+json").body("detail", containsString("build-service"));
        given().auth().oauth2(token).get("/api/v1/clusters").then().statusCode(504)
                .contentType("application/problem+json").body("type", equalTo("https://openpaas.dev/problems/gateway-timeout"));
        given().auth().oauth2(token).get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void servesTheAggregatedOpenApiDocument() {
        given().get("/openapi.json").then().statusCode(200)
                .body("paths", hasKey("/api/v1/projects"))
                .body("paths", hasKey("/api/v1/audit"))
                .body("paths", hasKey("/api/v1/auth/token"));
        given().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kty", equalTo("RSA"));
    }

    /** Sends a request under a fresh X-Request-Id and remembers it. */
    static io.restassured.specification.RequestSpecification traced(java.util.List<String> ids, String jwt) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        var spec = given().contentType(ContentType.JSON).header("X-Request-Id", id);
        return jwt == null ? spec : spec.auth().oauth2(jwt);
    }

    @Test
    void everyActionLeavesExactlyOneAuditRecordWithActorProjectTypeResourceAndTime() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        String admin = adminJwt();
        var created = traced(ids, admin).body("{\"username\":\"trail-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/v1/users").then().statusCode(201).extract();
        String userId = created.path("id");
        String userJwt = given().contentType(ContentType.JSON).body("{\"api_token\":\"" + created.path("api_token") + "\"}")
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
        String project = traced(ids, admin).body("{\"name\":\"Trail " + UUID.randomUUID().toString().substring(0, 6) + "\"}")
                .post("/api/v1/projects").then().statusCode(201).extract().path("id");
        traced(ids, admin).body("{\"user_id\":\"" + userId + "\",\"role\":\"viewer\"}").post("/api/v1/projects/" + project + "/members")
                .then().statusCode(201);
        traced(ids, admin).body("{\"role\":\"developer\"}").patch("/api/v1/projects/" + project + "/members/" + userId).then().statusCode(200);
        String service = traced(ids, userJwt).body("{\"name\":\"api\",\"type\":\"webapp\",\"build_source\":{\"type\":\"image\",\"image\":\"nginx\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(201).extract().path("id");
        traced(ids, userJwt).body("{\"name\":\"api-2\"}").patch("/api/v1/services/" + service).then().statusCode(200);
        traced(ids, userJwt).delete("/api/v1/services/" + service).then().statusCode(403);
        String token = traced(ids, userJwt).body("{\"name\":\"ci\"}").post("/api/v1/tokens").then().statusCode(201).extract().path("id");
        traced(ids, userJwt).delete("/api/v1/tokens/" + token).then().statusCode(204);
        traced(ids, null).get("/api/v1/projects").then().statusCode(401);
        traced(ids, admin).delete("/api/v1/projects/" + project).then().statusCode(204);

        // each event these requests caused, as the services' outboxes recorded it
        java.util.Map<String, String> events = new java.util.HashMap<>();
        for (String id : ids) {
            try (var c = java.sql.DriverManager.getConnection(io.openpaas.common.testing.Sql.url(), "postgres", "");
                    var ps = c.prepareStatement("select id::text, subject from projects.outbox_events where payload like ?")) {
                ps.setString(1, "%\"correlationid\":\"" + id + "\"%");
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.put(rs.getString(1), rs.getString(2));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        // exactly what these actions must cause, by type
        java.util.Map<String, Long> byType = new java.util.TreeMap<>();
        events.values().forEach(subject -> {
            String[] p = subject.split("\\.");
            byType.merge("paas." + p[1] + "." + p[3], 1L, Long::sum);
        });
        java.util.Map<String, Long> expected = new java.util.TreeMap<>(java.util.Map.ofEntries(
                java.util.Map.entry("paas.member.user_created", 1L), java.util.Map.entry("paas.security.token_created", 2L), // first token, "ci"
                java.util.Map.entry("paas.project.created", 1L), java.util.Map.entry("paas.member.added", 2L), // owner, viewer
                java.util.Map.entry("paas.member.role_changed", 1L), java.util.Map.entry("paas.service.created", 1L),
                java.util.Map.entry("paas.service.updated", 1L), java.util.Map.entry("paas.security.denied", 1L), // the 403
                java.util.Map.entry("paas.security.token_revoked", 1L), java.util.Map.entry("paas.project.deleted", 1L),
                java.util.Map.entry("paas.service.deleted", 1L), java.util.Map.entry("paas.member.removed", 2L))); // with the project
        assertEquals(expected, byType, "events: " + events.values());
        Await.until("every event audited", Duration.ofSeconds(20), () -> events.keySet().stream().allMatch(
                e -> Sql.count("select count(*) from audit.audit_records where event_id = ?", e) == 1));
        long denied401 = Sql.count("select count(*) from audit.audit_records where correlation_id = ? and type = 'paas.security.denied'",
                ids.get(ids.size() - 2));
        assertEquals(1, denied401, "the 401 refused at the gateway is audited once");
        for (var event : events.entrySet()) {
            boolean platformLevel = event.getValue().split("\\.")[2].equals("_");
            assertEquals(1, Sql.count("select count(*) from audit.audit_records where event_id = ? and actor is not null and type is not null "
                    + "and resource is not null and occurred_at is not null and (project_id is not null or ?)", event.getKey(), platformLevel),
                    "record of " + event.getValue());
        }
    }
}

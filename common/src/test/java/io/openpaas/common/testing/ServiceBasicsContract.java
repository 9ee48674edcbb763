package io.openpaas.common.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What every OpenPaaS process offers: liveness, readiness that covers PostgreSQL and NATS,
 * Prometheus metrics, an OpenAPI document, and 401 problems on the API without a token.
 * Each service runs it with a {@code @QuarkusTest} subclass.
 */
public abstract class ServiceBasicsContract {

    @Test
    void isLiveAndBecomesReady() {
        given().get("/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Await.until("readiness", Duration.ofSeconds(20), () -> given().get("/health/ready").statusCode() == 200);
        given().get("/health/ready").then().body("checks.name", org.hamcrest.Matchers.hasItems("nats"))
                .body(containsString("Database connections health check"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void publishesItsOpenApiDocument() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    @Test
    void refusesApiCallsWithoutAToken() {
        org.junit.jupiter.api.Assumptions.assumeTrue(apiPath() != null, "this service has no API yet");
        given().get(apiPath()).then().statusCode(401).contentType("application/problem+json");
    }

    /**
     * A service without its own role-matrix test has no API operation: the first endpoint it
     * adds fails here until it gets an RBAC matrix (see {@link RbacMatrix}).
     */
    @Test
    void everyApiOperationIsCoveredByAnRbacMatrix() {
        org.junit.jupiter.api.Assumptions.assumeFalse(hasRbacMatrix(), "covered by this service's RbacMatrix test");
        new RbacMatrix<Void>().assertCovers(RbacMatrix.documentedOperations());
    }

    /**
     * Every type this service has published (its outbox keeps sent events) is in the subject
     * catalogue; a new event type without its entry in docs/asyncapi.yaml fails here.
     */
    @Test
    void publishesOnlyCataloguedEventTypes() throws java.sql.SQLException {
        // at least one event of this run, so the check never passes over an empty outbox
        String requestId = java.util.UUID.randomUUID().toString();
        given().header("X-Request-Id", requestId).get("/api/v1/admin/dead-letters/any").then().statusCode(401);
        Await.until("the denied request's event in the outbox", Duration.ofSeconds(10), () -> Sql.count(
                "select count(*) from " + schema() + ".outbox_events where payload like ?", "%\"correlationid\":\"" + requestId + "\"%") == 1);
        java.util.Set<String> listed = AsyncApiCatalogue.types();
        java.util.Set<String> published = new java.util.TreeSet<>();
        try (var c = java.sql.DriverManager.getConnection(Sql.url(), "postgres", "");
                var rs = c.createStatement().executeQuery("select distinct subject from " + schema() + ".outbox_events")) {
            while (rs.next()) {
                published.add(AsyncApiCatalogue.typeOf(rs.getString(1)));
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(published.contains("paas.security.denied"), "scanned: " + published);
        published.removeAll(listed);
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(), published, "published types missing from docs/asyncapi.yaml");
    }

    /**
     * Every service offers its consumers' dead letters to admins, and to nobody else, under its
     * own short name only.
     */
    @Test
    void deadLettersAreForAdminsOnly() {
        String name = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.application.name", String.class)
                .replaceFirst("-service$", "");
        String path = "/api/v1/admin/dead-letters/" + name;
        given().get(path).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user(java.util.UUID.randomUUID().toString())).get(path).then().statusCode(403);
        given().auth().oauth2(TestTokens.capped(java.util.UUID.randomUUID().toString(), true, "owner")).get(path).then().statusCode(403);
        given().auth().oauth2(TestTokens.user(java.util.UUID.randomUUID().toString())).post(path + "/1/replay").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin()).get(path).then().statusCode(200).body("items", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/admin/dead-letters/not-" + name).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).post(path + "/999999999/replay").then().statusCode(404);
    }

    /** The scripts hand each service its role's generated password as OPENPAAS_DB_PASSWORD_<SCHEMA>. */
    @Test
    void connectsWithItsRolesGeneratedPassword() {
        String schema = schema();
        String given = System.getenv("OPENPAAS_DB_PASSWORD_" + schema.toUpperCase(java.util.Locale.ROOT));
        org.junit.jupiter.api.Assumptions.assumeTrue(given != null, "no generated password given to this run");
        org.junit.jupiter.api.Assertions.assertEquals(given,
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("openpaas.database.password", String.class));
        org.junit.jupiter.api.Assertions.assertEquals(given,
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class));
    }

    /** This service's database schema. */
    protected String schema() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("openpaas.database.schema", String.class);
    }

    /** True when the service has a test running an {@link RbacMatrix} over all its operations. */
    protected boolean hasRbacMatrix() {
        return false;
    }

    /** A guarded API path of this service, or null while it has none. */
    protected abstract String apiPath();
}

package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** What the gateway guards at the edge, on the real services, PostgreSQL and NATS. */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true)
class GatewayProtectionsTest {

    @TestHTTPResource("/")
    URI gateway;

    static String adminJwt() {
        return given().contentType(ContentType.JSON).body("{\"api_token\":\"" + PlatformProcesses.ADMIN_API_TOKEN + "\"}")
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndNoCorsUnlessConfigured() {
        given().auth().oauth2(adminJwt()).header("Origin", "https://evil.example").get("/api/v1/projects").then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", containsString("no-store"))
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "DELETE")
                .options("/api/v1/projects").then().statusCode(401).header("Access-Control-Allow-Origin", nullValue());
        given().get("/api/v1/projects").then().statusCode(401).header("X-Frame-Options", "DENY");
    }

    @Inject
    MeterRegistry registry;

    /**
     * A client that sends a request and leaves (a timeout, a closed tab) must not leave the
     * upstream waiting for a body the gateway will never send: with more such requests than the
     * gateway keeps connections per upstream, every later request used to queue until the
     * upstream timeout freed them.
     */
    @Test
    void aClientThatLeavesDoesNotHoldAnUpstreamConnection() throws Exception {
        String jwt = adminJwt();
        Counter abandoned = registry.find("openpaas.gateway.requests.abandoned").counter();
        assertTrue(abandoned != null, "the gateway counts abandoned requests");
        double before = abandoned.count();
        int leaving = 80; // more than the 64 connections the gateway keeps per upstream
        for (int i = 0; i < leaving; i++) {
            byte[] body = ("{\"name\":\"left behind " + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/v1/projects HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + jwt
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        }
        Await.until("the gateway gives up every request whose client left", Duration.ofSeconds(20),
                () -> abandoned.count() - before >= leaving);
        // no connection is held: answered well before the upstream timeout (3 s here) would free one
        HttpRequest create = HttpRequest.newBuilder(gateway.resolve("/api/v1/projects")).timeout(Duration.ofMillis(2500))
                .header("Authorization", "Bearer " + jwt).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"after the leavers " + UUID.randomUUID() + "\"}")).build();
        assertEquals(201, HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithoutReachingTheService() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/api/v1/projects"))
                .header("Authorization", "Bearer " + adminJwt()).header("Content-Type", "application/json")
                // an InputStream publisher has no length: the client sends it chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        for (HttpClient.Version version : HttpClient.Version.values()) { // chunked HTTP/1.1, and an h2c stream
            HttpResponse<String> response = HttpClient.newBuilder().version(version).build().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode(), version.toString());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void requestsRefusedAtTheGatewayAreAudited() {
        String requestId = UUID.randomUUID().toString();
        given().auth().oauth2("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").header("X-Request-Id", requestId)
                .get("/api/v1/projects/" + UUID.randomUUID()).then().statusCode(401);
        Await.value("denied record", Duration.ofSeconds(15), 1L, () -> Sql.count(
                "select count(*) from audit.audit_records where correlation_id = ? and type = 'paas.security.denied' and actor = 'anonymous'",
                requestId));
    }

    /** A flood without a token is refused and fully accounted for, in a handful of audit records rather than one each. */
    @Test
    void repeatedUnauthenticatedRequestsAreAuditedAggregated() {
        String path = "/api/v1/projects/" + UUID.randomUUID();
        int requests = 150;
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < requests; i++) {
            statuses.merge(given().get(path).statusCode(), 1, Integer::sum);
        }
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429), "only 401 or 429: " + statuses);
        String sum = "select coalesce(sum(coalesce((data::jsonb->>'count')::int, 1)), 0) from audit.audit_records "
                + "where type = 'paas.security.denied' and resource = ?";
        Await.value("every refusal accounted for", Duration.ofSeconds(20), (long) requests, () -> Sql.count(sum, path));
        long records = Sql.count("select count(*) from audit.audit_records where type = 'paas.security.denied' and resource = ?", path);
        // one record per caller and rate-limit window: a slow machine spreads the flood over more windows, never near one each
        assertTrue(records <= requests / 5, requests + " refusals (" + statuses + ") took " + records + " audit records");
        // the flood used up this address's budget for anonymous requests: the next tests start in a fresh window
        Await.until("the address's window over", Duration.ofSeconds(5), () -> given().get("/api/v1/projects").statusCode() == 401);
    }

    @Test
    void noTokenPasswordOrHashReachesLogsEventsOrTheAuditTrail() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        try {
            String admin = adminJwt();
            String username = "leak-" + UUID.randomUUID().toString().substring(0, 8);
            var user = given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"username\":\"" + username + "\"}")
                    .post("/api/v1/users").then().statusCode(201).extract();
            String apiToken = user.path("api_token");
            String jwt = given().contentType(ContentType.JSON).body("{\"api_token\":\"" + apiToken + "\"}").post("/api/v1/auth/token")
                    .then().statusCode(200).extract().path("access_token");
            var second = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"ci\"}").post("/api/v1/tokens")
                    .then().statusCode(201).extract();
            String secondToken = second.path("token");
            given().auth().oauth2(jwt).delete("/api/v1/tokens/" + second.path("id")).then().statusCode(204);
            given().contentType(ContentType.JSON).body("{\"api_token\":\"" + secondToken + "\"}").post("/api/v1/auth/token").then().statusCode(401);
            given().auth().oauth2(jwt).get("/api/v1/users").then().statusCode(403);
            given().auth().oauth2(jwt + "x").get("/api/v1/projects").then().statusCode(401);
            String userId = user.path("id");
            Await.until("the user's events audited", Duration.ofSeconds(15), () -> Sql.count(
                    "select count(*) from audit.audit_records where type in ('paas.security.token_revoked', 'paas.security.denied') and actor = ?",
                    userId) >= 2);

            List<String> secrets = List.of(apiToken, apiToken.substring(apiToken.lastIndexOf('_') + 1), sha256(apiToken),
                    secondToken, secondToken.substring(secondToken.lastIndexOf('_') + 1), sha256(secondToken), jwt, jwt.split("\\.")[2]);
            for (String secret : secrets) {
                assertEquals(0, Sql.count("select count(*) from audit.audit_records where data like ? or resource like ? or actor like ?",
                        "%" + secret + "%", "%" + secret + "%", "%" + secret + "%"), "audit trail holds a secret");
                assertEquals(0, Sql.count("select count(*) from projects.outbox_events where payload like ?", "%" + secret + "%"),
                        "an event holds a secret");
                assertFalse(logged.stream().anyMatch(line -> line.contains(secret)), "the gateway logged a secret");
                try (Stream<Path> logs = Files.list(PlatformProcesses.workDir)) {
                    for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                        assertFalse(Files.readString(log).contains(secret), log.getFileName() + " holds a secret");
                    }
                }
            }
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}

package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Walks the whole API as the gateway publishes it ({@code /openapi.json}, so a new endpoint is
 * fuzzed without touching this test) and sends every operation hostile input: ids that are not
 * ids, NUL, traversal, huge and unicode-edge values in the path and the query, and bodies that
 * are malformed, of the wrong type, deeply nested, huge, or hold NUL or lone surrogates. No
 * answer may be a 5xx, and a refused request may leave no write behind (no event in any outbox).
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "services", value = "all"), @ResourceArg(name = "rate-limit", value = "0")})
class ApiFuzzTest {

    static final List<String> HOSTILE_PATH = List.of("not-an-id", "%00", "..%2F..%2Fetc%2Fpasswd", "'%20OR%201=1--", "x".repeat(3000),
            "%F0%9F%92%A5", "%ED%A0%80", "-1", "99999999999999999999999", UUID.randomUUID().toString());
    // long values stay under the server's request-line limit (4 KiB, answered 414 beyond) with seven parameters
    static final List<String> HOSTILE_QUERY = List.of("-1", "0", "99999999999", "abc", "%00", "x".repeat(500), "%F0%9F%92%A5", "%ED%A0%80",
            "1e400", "[]", "paas.%00");
    static final List<String> HOSTILE_BODIES = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"name\":123,\"slug\":[1],\"role\":{}}",
            "{\"name\":\"a\\u0000b\",\"slug\":\"a\\u0000\",\"role\":\"owner\\u0000\",\"user_id\":\"\\u0000\"}",
            "{\"name\":\"\\ud800\",\"username\":\"\\udfff\",\"email\":\"\\ud800@x\"}",
            "{\"name\":\"" + "n".repeat(600_000) + "\"}", "[".repeat(5000) + "]".repeat(5000),
            "{\"a\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001),
            "{\"replicas\":1e400,\"expires_in_days\":99999999999999999999,\"limit\":-5}",
            "{\"name\":\"ok\",\"unknown\":true,\"__proto__\":{\"admin\":true}}");

    @Test
    void noOperationAnswers5xxOrLeavesAWriteBehindWhateverItIsSent() {
        String admin = LiveEventsTest.adminJwt();
        String project = LiveEventsTest.project(admin);
        String service = LiveEventsTest.service(admin, project);
        JsonPath openapi = given().accept(ContentType.JSON).get("/openapi.json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        Set<String> operations = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (var path : paths.entrySet()) {
            for (String method : path.getValue().keySet()) {
                if (!Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                    continue;
                }
                operations.add(method.toUpperCase() + " " + path.getKey());
                if (path.getKey().equals("/api/v1/events")) {
                    continue; // a stream: its parameters are fuzzed below without holding it open
                }
                List<String> concrete = concretePaths(path.getKey(), project, service);
                boolean withBody = !method.equals("get") && !method.equals("delete");
                // every hostile body to the real resource; every hostile path with a plain body
                for (String body : withBody ? HOSTILE_BODIES : List.of("")) {
                    failures.addAll(send(admin, method, concrete.get(0), body));
                    requests++;
                }
                for (String hostilePath : concrete.subList(1, concrete.size())) {
                    failures.addAll(send(admin, method, hostilePath, withBody ? "{\"name\":\"x\"}" : ""));
                    requests++;
                }
                for (String value : HOSTILE_QUERY) {
                    String withIds = path.getKey().replaceAll("\\{[^}]+}", project);
                    failures.addAll(send(admin, method, withIds + "?limit=" + value + "&cursor=" + value + "&from=" + value
                            + "&project=" + value + "&types=" + value + "&after_seq=" + value + "&hash=" + value, "{}"));
                    requests++;
                }
            }
        }
        for (String value : HOSTILE_QUERY) {
            failures.addAll(send(admin, "get", "/api/v1/events?project=" + value + "&types=" + value, ""));
        }
        // beyond the request-line limit the answer is a 414, not a dropped connection
        assertEquals(414, given().urlEncodingEnabled(false).auth().oauth2(admin).get("/api/v1/projects?cursor=" + "x".repeat(10_000)).statusCode());
        assertTrue(operations.size() >= 30, "the walk found the API: " + operations);
        assertTrue(operations.contains("POST /api/v1/projects") && operations.contains("GET /api/v1/audit"), operations.toString());
        System.out.printf("fuzzed %d operations with %d requests%n", operations.size(), requests);
        assertEquals(List.of(), failures, "answers that must not happen");
    }

    /** The operation's path with each parameter replaced by a hostile value, and once by the real ids. */
    static List<String> concretePaths(String template, String project, String service) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        if (!m.find()) {
            return List.of(template);
        }
        out.add(template.replaceAll("\\{id}", project).replaceAll("\\{[^}]+}", service)); // real ids first: the hostile bodies go there
        for (String hostile : HOSTILE_PATH) {
            out.add(template.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(hostile)));
        }
        return out;
    }

    /** One request; answers what was wrong with its outcome, if anything. */
    static List<String> send(String jwt, String method, String path, String body) {
        long writesBefore = eventsWritten();
        RequestSpecification request = given().urlEncodingEnabled(false).auth().oauth2(jwt).header("Idempotency-Key", UUID.randomUUID().toString());
        if (!body.isEmpty()) {
            request.contentType(ContentType.JSON).body(body);
        }
        int status;
        try {
            status = request.request(method.toUpperCase(), path).statusCode();
        } catch (Exception e) {
            return List.of(method + " " + abbreviate(path) + " with " + abbreviate(body) + ": no answer (" + e + ")");
        }
        List<String> wrong = new ArrayList<>();
        if (status >= 500) {
            wrong.add(method.toUpperCase() + " " + abbreviate(path) + " with " + abbreviate(body) + " answered " + status);
        }
        if (status >= 400 && eventsWritten() != writesBefore) {
            wrong.add(method.toUpperCase() + " " + abbreviate(path) + " with " + abbreviate(body) + " answered " + status + " but wrote an event");
        }
        return wrong;
    }

    /** One connection for the whole walk: two queries per request, and a connection is a password exchange. */
    private static java.sql.PreparedStatement writes;

    /** Events written by any service, but for the denied-request records a refusal may write (one query). */
    static synchronized long eventsWritten() {
        try {
            if (writes == null) {
                StringBuilder sql = new StringBuilder("select 0");
                for (String schema : List.of("projects", "builds", "deploys", "secrets", "audit")) {
                    sql.append(" + (select count(*) from ").append(schema).append(".outbox_events where subject not like 'paas.security.%')");
                }
                writes = java.sql.DriverManager.getConnection(Sql.url(), "postgres", "").prepareStatement(sql.toString());
            }
            try (java.sql.ResultSet rs = writes.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void closeConnection() throws java.sql.SQLException {
        if (writes != null) {
            writes.getConnection().close();
        }
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…(" + s.length() + ")" : s;
    }
}

package io.openpaas.project.projects;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every kind of bad input answers a 4xx problem and writes nothing: no row, no event. */
@QuarkusTest
class ProjectBadInputTest {

    static final String PROBLEMS = "https://openpaas.dev/problems/";
    final String user = UUID.randomUUID().toString();

    /** This test's user's projects: other tests' writes do not count. */
    long projects() {
        return Sql.count("select count(*) from projects.projects where created_by = ?", user);
    }

    /** Events this test's user caused (their id is the actor), denied requests apart. */
    long outbox() {
        return Sql.count("select count(*) from projects.outbox_events where subject not like 'paas.security.%' and payload like ?",
                "%\"actor\":\"" + user + "\"%");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON        | {\"name\": \"x\"                       | 400 | malformed-json | ",
        "not an object         | [1,2]                                   | 400 | malformed-json | ",
        "wrong type            | {\"name\": 5, \"slug\": [1]}            | 400 | validation     | slug",
        "missing name          | {\"slug\": \"abc\"}                     | 400 | validation     | name",
        "blank name            | {\"name\": \"   \"}                     | 400 | validation     | name",
        "over-long name        | {\"name\": \"NAME101\"}                 | 400 | validation     | name",
        "slug with capitals    | {\"name\": \"x\", \"slug\": \"My-App\"} | 400 | validation     | slug",
        "unknown field         | {\"name\": \"x\", \"colour\": \"red\"}  | 400 | validation     | colour",
        "empty body            | ''                                      | 400 | validation     | ",
        "NUL in the name       | {\"name\": \"a\\u0000b\"}              | 400 | validation     | name",
        "NUL in the slug       | {\"name\": \"x\", \"slug\": \"a\\u0000\"} | 400 | validation     | slug",
    })
    void refusesBadInputAndWritesNothing(String caseName, String body, int status, String type, String field) {
        long projectsBefore = projects();
        long outboxBefore = outbox();
        var response = given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.JSON)
                .body(body.replace("NAME101", "n".repeat(101)).replace("''", ""))
                .post("/api/v1/projects")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + type), "status", equalTo(status), "detail", org.hamcrest.Matchers.notNullValue());
        if (field != null && !field.isBlank()) {
            response.body("errors.field", org.hamcrest.Matchers.hasItem(field));
        }
        assertEquals(projectsBefore, projects());
        assertEquals(outboxBefore, outbox());
    }

    @Test
    void aNulInThePathOrQueryIsA400() {
        given().auth().oauth2(TestTokens.user(user)).urlEncodingEnabled(false).get("/api/v1/projects?cursor=a%00b")
                .then().statusCode(400).contentType("application/problem+json").body("type", equalTo(PROBLEMS + "bad-request"));
        given().auth().oauth2(TestTokens.user(user)).urlEncodingEnabled(false).get("/api/v1/projects/ab%00cd")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** Concurrent PATCHes with the same If-Match: one wins, every loser is told 412, none gets a 500. */
    @Test
    void concurrentUpdatesWithTheSameETagAnswerOne200AndOnly412s() throws Exception {
        String id = given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.JSON)
                .body("{\"name\":\"Race\",\"slug\":\"race-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/v1/projects").then().statusCode(201).extract().path("id");
        int racers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String name = "Racer " + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                            .body("{\"name\":\"" + name + "\"}").patch("/api/v1/projects/" + id).statusCode();
                }));
            }
            start.countDown();
            java.util.Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            for (var answer : answers) {
                byStatus.merge(answer.get(), 1, Integer::sum);
            }
            assertEquals(java.util.Map.of(200, 1, 412, racers - 1), byStatus);
            assertEquals(1, Sql.count("select count(*) from projects.outbox_events where subject = ?", "paas.project." + id + ".updated"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTakenSlugIsAConflict() {
        String slug = "taken-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.JSON).body("{\"name\":\"a\",\"slug\":\"" + slug + "\"}")
                .post("/api/v1/projects").then().statusCode(201);
        long outboxBefore = outbox();
        given().auth().oauth2(TestTokens.user(UUID.randomUUID().toString())).contentType(ContentType.JSON)
                .body("{\"name\":\"b\",\"slug\":\"" + slug + "\"}")
                .post("/api/v1/projects").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "conflict"), "detail", containsString(slug));
        assertEquals(1, Sql.count("select count(*) from projects.projects where slug = ?", slug));
        assertEquals(outboxBefore, outbox());
    }

    @Test
    void unknownIdsAreNotFound() {
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/projects/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json").body("type", equalTo(PROBLEMS + "not-found"));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/projects/not-a-uuid")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"build_source\":{\"type\":\"image\",\"image\":\"nginx\"}}")
                .post("/api/v1/projects/" + UUID.randomUUID() + "/services")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aWrongMediaTypeIsRefused() {
        given().auth().oauth2(TestTokens.user(user)).contentType(ContentType.TEXT).body("name=x")
                .post("/api/v1/projects").then().statusCode(415).contentType("application/problem+json");
    }
}

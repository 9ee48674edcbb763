package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events}: live, filtered by what the caller may see, resumable. */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true)
class LiveEventsTest {

    @TestHTTPResource("/")
    URI gateway;

    record Sse(long id, String type, JsonPath data) {
    }

    /** An open event stream read on its own thread. */
    final class Client implements AutoCloseable {
        final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        final HttpResponse<Stream<String>> response;
        final Thread reader;

        Client(String jwt, String query, Long lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve("/api/v1/events" + query))
                    .header("Authorization", "Bearer " + jwt).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
            reader = new Thread(() -> {
                long id = -1;
                String type = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.startsWith("id: ")) {
                            id = Long.parseLong(line.substring(4));
                        } else if (line.startsWith("event: ")) {
                            type = line.substring(7);
                        } else if (line.startsWith("data: ")) {
                            events.add(new Sse(id, type, JsonPath.from(line.substring(6))));
                        }
                    }
                } catch (Exception e) {
                    // closed by the test
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Events until one matches {@code last} (inclusive). */
        List<Sse> until(Predicate<Sse> last) throws InterruptedException {
            List<Sse> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                Sse e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null) {
                    seen.add(e);
                    if (last.test(e)) {
                        return seen;
                    }
                }
            }
            throw new AssertionError("the awaited event did not come; got " + seen.stream().map(Sse::type).toList());
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }

    static String adminJwt() {
        return exchange(PlatformProcesses.ADMIN_API_TOKEN);
    }

    static String exchange(String apiToken) {
        return given().contentType(ContentType.JSON).body("{\"api_token\":\"" + apiToken + "\"}").post("/api/v1/auth/token")
                .then().statusCode(200).extract().path("access_token");
    }

    /** A new user's id and access token. */
    static String[] user(String admin) {
        var created = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"username\":\"sse-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").post("/api/v1/users")
                .then().statusCode(201).extract();
        return new String[] {created.path("id"), exchange(created.path("api_token"))};
    }

    static String project(String jwt) {
        String slug = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"" + slug + "\"}").post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
    }

    static String service(String jwt, String project) {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body("{\"name\":\"s-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"type\":\"webapp\","
                        + "\"build_source\":{\"type\":\"image\",\"image\":\"nginx:1.27\"}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(201).extract().path("id");
    }

    /** Waits until the gateway's membership view lets this caller open the project's stream. */
    void awaitVisible(String jwt, String project) {
        Await.until("gateway knows the membership", Duration.ofSeconds(15), () -> {
            try (Client probe = new Client(jwt, "?project=" + project, null)) {
                return probe.response.statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aViewerOfOneProjectNeverReceivesAnotherProjectsEvents() throws Exception {
        String admin = adminJwt();
        String[] owner = user(admin);
        String[] viewer = user(admin);
        String[] stranger = user(admin);
        String a = project(owner[1]);
        String b = project(stranger[1]);
        given().auth().oauth2(owner[1]).contentType(ContentType.JSON).body("{\"user_id\":\"" + viewer[0] + "\",\"role\":\"viewer\"}")
                .post("/api/v1/projects/" + a + "/members").then().statusCode(201);
        awaitVisible(viewer[1], a);
        try (Client client = new Client(viewer[1], "", null)) {
            assertEquals(200, client.response.statusCode());
            assertEquals("text/event-stream", client.response.headers().firstValue("Content-Type").orElse(""));
            String inB = service(stranger[1], b);
            String inA = service(owner[1], a);
            List<Sse> seen = client.until(e -> inA.equals(e.data().getString("subject")));
            assertTrue(seen.stream().allMatch(e -> a.equals(e.data().getString("projectid"))), "only project A: " + seen);
            assertTrue(seen.stream().noneMatch(e -> inB.equals(e.data().getString("subject"))));
        }
        try (Client refused = new Client(viewer[1], "?project=" + b, null)) {
            assertEquals(404, refused.response.statusCode());
        }
    }

    @Test
    void aReconnectWithLastEventIdFillsTheGapExactly() throws Exception {
        String admin = adminJwt();
        String[] owner = user(admin);
        String project = project(owner[1]);
        awaitVisible(owner[1], project);
        String query = "?project=" + project + "&types=paas.service.";
        long lastSeen;
        try (Client first = new Client(owner[1], query, null)) {
            String s1 = service(owner[1], project);
            List<Sse> seen = first.until(e -> s1.equals(e.data().getString("subject")));
            assertTrue(seen.stream().allMatch(e -> e.type().startsWith("paas.service.")));
            lastSeen = seen.get(seen.size() - 1).id();
        }
        String s2 = service(owner[1], project);
        String s3 = service(owner[1], project);
        try (Client again = new Client(owner[1], query, lastSeen)) {
            List<Sse> missed = again.until(e -> s3.equals(e.data().getString("subject")));
            assertEquals(List.of(s2, s3), missed.stream().map(e -> e.data().getString("subject")).toList());
            assertTrue(missed.get(0).id() > lastSeen && missed.get(1).id() > missed.get(0).id());
            assertTrue(again.events.poll(1, TimeUnit.SECONDS) == null, "nothing more, nothing twice");
        }
    }

    @Test
    void theStreamNeedsAValidTokenAndValidParameters() {
        given().get("/api/v1/events").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(adminJwt()).queryParam("project", "nope").get("/api/v1/events").then().statusCode(400);
        given().auth().oauth2(adminJwt()).header("Last-Event-ID", "x").get("/api/v1/events").then().statusCode(400);
    }
}

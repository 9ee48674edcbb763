package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.gateway.events.LiveEvents;
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
        /** The comment lines (heartbeats, the reason a stream ends). */
        final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
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
                        } else if (line.startsWith(":")) {
                            comments.add(line);
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

    /** Ends when the server ends the stream; false if it is still open after {@code timeout}. */
    static boolean ended(Client client, Duration timeout) throws InterruptedException {
        client.reader.join(timeout.toMillis());
        return !client.reader.isAlive();
    }

    /** Revoking an API token or deleting a user shuts its access tokens out within seconds: requests and open streams. */
    @Test
    void aRevokedTokenAndADeletedUserAreRefusedWithinSeconds() throws Exception {
        String admin = adminJwt();
        String[] user = user(admin);
        var token = given().auth().oauth2(user[1]).contentType(ContentType.JSON).body("{\"name\":\"soon-revoked\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract();
        String revocable = exchange(token.path("token"));
        given().auth().oauth2(revocable).get("/api/v1/users/me").then().statusCode(200); // verified, and cached by the gateway
        try (Client stream = new Client(revocable, "", null)) {
            assertEquals(200, stream.response.statusCode());
            long revokedAt = System.nanoTime();
            given().auth().oauth2(user[1]).delete("/api/v1/tokens/" + token.path("id")).then().statusCode(204);
            Await.until("the gateway refuses the revoked token", Duration.ofSeconds(5),
                    () -> given().auth().oauth2(revocable).get("/api/v1/users/me").statusCode() == 401);
            long refusedMillis = (System.nanoTime() - revokedAt) / 1_000_000;
            assertTrue(ended(stream, Duration.ofSeconds(5)), "the open stream of the revoked token was ended");
            long endedMillis = (System.nanoTime() - revokedAt) / 1_000_000;
            System.out.printf("revoked token: refused after %d ms, its stream ended after %d ms%n", refusedMillis, endedMillis);
        }
        given().auth().oauth2(user[1]).get("/api/v1/users/me").then().statusCode(200); // the user's other tokens still work

        try (Client stream = new Client(user[1], "", null)) {
            assertEquals(200, stream.response.statusCode());
            long deletedAt = System.nanoTime();
            given().auth().oauth2(admin).delete("/api/v1/users/" + user[0]).then().statusCode(204);
            Await.until("the gateway refuses the deleted user", Duration.ofSeconds(5),
                    () -> given().auth().oauth2(user[1]).get("/api/v1/projects").statusCode() == 401);
            assertTrue(ended(stream, Duration.ofSeconds(5)), "the open stream of the deleted user was ended");
            System.out.printf("deleted user: refused and stream ended after %d ms%n", (System.nanoTime() - deletedAt) / 1_000_000);
        }
    }

    @Test
    void streamsPerUserAndReplaysAreBoundedWithA429() throws Exception {
        String admin = adminJwt();
        String[] user = user(admin);
        List<Client> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Client c = new Client(user[1], "", null);
                streams.add(c);
                assertEquals(200, c.response.statusCode(), "stream " + (i + 1));
            }
            try (Client sixth = new Client(user[1], "", null)) {
                assertEquals(429, sixth.response.statusCode());
                assertTrue(sixth.response.headers().firstValue("Retry-After").isPresent());
            }
            try (Client other = new Client(admin, "", null)) {
                assertEquals(200, other.response.statusCode(), "another user is not affected");
            }
        } finally {
            streams.forEach(Client::close);
        }
        Await.until("a closed stream frees its place", Duration.ofSeconds(10), () -> {
            try (Client again = new Client(user[1], "", null)) {
                return again.response.statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });

        // a replay from far back is refused; a short one is served
        try (io.openpaas.common.testing.StreamProbe nats = new io.openpaas.common.testing.StreamProbe()) {
            var jsm = nats.connection().jetStreamManagement();
            long before = jsm.getStreamInfo(LiveEvents.STREAM).getStreamState().getLastSequence();
            String project = UUID.randomUUID().toString();
            for (int i = 0; i < 210; i++) {
                String id = UUID.randomUUID().toString();
                String event = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/test\",\"type\":\"paas.project.updated\","
                        + "\"subject\":\"" + project + "\",\"time\":\"" + java.time.Instant.now() + "\",\"datacontenttype\":\"application/json\","
                        + "\"projectid\":\"" + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":{\"n\":" + i + "}}";
                nats.connection().publish("paas.project." + project + ".updated", event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Await.until("sourced into " + LiveEvents.STREAM, Duration.ofSeconds(15),
                    () -> {
                        try {
                            return jsm.getStreamInfo(LiveEvents.STREAM).getStreamState().getLastSequence() >= before + 210;
                        } catch (Exception e) {
                            return false;
                        }
                    });
            long last = jsm.getStreamInfo(LiveEvents.STREAM).getStreamState().getLastSequence();
            try (Client far = new Client(admin, "", last - 205)) {
                assertEquals(429, far.response.statusCode());
            }
            try (Client near = new Client(admin, "", last - 5)) {
                assertEquals(200, near.response.statusCode());
            }
        }
    }

    /** Platform-level events ({@code _}) reach admins only, and a member removed mid-stream stops receiving the project's events. */
    @Test
    void platformEventsAreForAdminsAndARemovedMemberStopsReceiving() throws Exception {
        String admin = adminJwt();
        String[] owner = user(admin);
        String[] viewer = user(admin);
        String a = project(owner[1]);
        String b = project(owner[1]);
        for (String p : List.of(a, b)) {
            given().auth().oauth2(owner[1]).contentType(ContentType.JSON).body("{\"user_id\":\"" + viewer[0] + "\",\"role\":\"viewer\"}")
                    .post("/api/v1/projects/" + p + "/members").then().statusCode(201);
            awaitVisible(viewer[1], p);
        }
        try (Client viewerStream = new Client(viewer[1], "", null); Client adminStream = new Client(admin, "", null)) {
            String[] newcomer = user(admin); // paas.member._.user_created: platform-level
            List<Sse> seenByAdmin = adminStream.until(e -> "paas.member.user_created".equals(e.type())
                    && newcomer[0].equals(e.data().getString("subject")));
            assertTrue(seenByAdmin.stream().anyMatch(e -> "_".equals(String.valueOf(e.data().getString("projectid")))
                    || e.data().getString("projectid") == null), "the admin sees platform events");

            given().auth().oauth2(owner[1]).delete("/api/v1/projects/" + a + "/members/" + viewer[0]).then().statusCode(204);
            Await.until("the gateway knows the removal", Duration.ofSeconds(15), () -> {
                try (Client probe = new Client(viewer[1], "?project=" + a, null)) {
                    return probe.response.statusCode() == 404;
                } catch (Exception e) {
                    return false;
                }
            });
            String inA = service(owner[1], a);   // after the removal: not for the viewer
            String marker = service(owner[1], b); // still a member of b: the marker
            List<Sse> seen = viewerStream.until(e -> marker.equals(e.data().getString("subject")));
            assertTrue(seen.stream().noneMatch(e -> inA.equals(e.data().getString("subject"))), "nothing of A after the removal: " + seen);
            assertTrue(seen.stream().noneMatch(e -> e.type().equals("paas.member.user_created")), "no platform event for a non-admin: " + seen);
        }
    }

    /** An idle stream carries heartbeats, and it ends when the access token expires, saying so. */
    @Test
    void heartbeatsKeepAnIdleStreamAndItEndsWhenTheTokenExpires() throws Exception {
        String shortLived = io.openpaas.common.testing.TestTokens.claims(UUID.randomUUID().toString(), true)
                .expiresIn(Duration.ofSeconds(4)).sign(io.openpaas.common.testing.TestTokens.PRIVATE_KEY);
        try (Client client = new Client(shortLived, "?project=" + UUID.randomUUID(), null)) {
            assertEquals(200, client.response.statusCode());
            String heartbeat = null;
            long deadline = System.currentTimeMillis() + 3_500;
            while (heartbeat == null && System.currentTimeMillis() < deadline) {
                String c = client.comments.poll(200, TimeUnit.MILLISECONDS);
                if (c != null && c.contains("heartbeat")) {
                    heartbeat = c;
                }
            }
            assertEquals(": heartbeat", heartbeat, "a heartbeat within the test's 1 s interval");
            assertTrue(ended(client, Duration.ofSeconds(8)), "the stream ended at the token's expiry");
            assertTrue(client.comments.stream().anyMatch(c -> c.contains("access token expired")), "and said why: " + client.comments);
        }
    }
}

package io.openpaas.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Deployments through the API and over NATS: deploy, replace, scale, restart, roll back, delete, logs, roles. */
@QuarkusTest
class DeploymentFlowTest extends DeployWorld {

    @Test
    void anImageIsDeployedBehindItsUrlAndAnotherReplacesIt() throws Exception {
        String first = deploy(v1);
        Await.until("AVAILABLE", Duration.ofSeconds(60), () -> "AVAILABLE".equals(state(first)));
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + first).then()
                .body("url", org.hamcrest.Matchers.equalTo("http://" + slug + "." + projectSlug + ".localhost"));
        assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"), events(first));

        String second = deploy(v2);
        Await.until("the second AVAILABLE", Duration.ofSeconds(60), () -> "AVAILABLE".equals(state(second)));
        assertEquals("200 flow two", get());
        Await.until("the first SUPERSEDED", Duration.ofSeconds(10), () -> "SUPERSEDED".equals(state(first)));
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/deployments").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(second, first));
    }

    @Test
    void scaleRestartAndRollbackAreDeploymentsAndStatusTellsWhatRuns() {
        String first = deploy(v1);
        awaitAvailable(first);
        awaitAvailable(accepted("/scale", "{\"replicas\":3}"));
        assertEquals(3, ready());
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(developer)).contentType("application/json").body("{\"replicas\":6}")
                .post("/api/v1/services/" + service + "/scale").then().statusCode(400).body(org.hamcrest.Matchers.containsString("replicas.max"));
        given().auth().oauth2(TestTokens.user(developer)).contentType("application/json").body("{\"replicas\":-1}")
                .post("/api/v1/services/" + service + "/scale").then().statusCode(400);

        String second = deploy(v2);
        awaitAvailable(second);
        assertEquals("200 flow two", get());
        assertEquals(3, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + second).<Integer>path("replicas"),
                "a new image keeps the scale");
        awaitAvailable(accepted("/rollback", "{}"));
        assertEquals("200 flow one", get());
        awaitAvailable(accepted("/restart", null));
        assertEquals("200 flow one", get());
        given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/services/" + service + "/status").then()
                .body("image", org.hamcrest.Matchers.equalTo(v1)).body("urls[0]",
                        org.hamcrest.Matchers.equalTo("http://" + slug + "." + projectSlug + ".localhost"));

        awaitAvailable(accepted("/scale", "{\"replicas\":0}"));
        assertEquals(0, ready());
        assertEquals("404 no OpenPaaS service answers at this address", get());
    }

    @Test
    void aSuccessfulBuildOfAnAutoDeployServiceDeploysOnceEvenIfDeliveredTwice() throws Exception {
        String build = UUID.randomUUID().toString();
        String body = event("build", "succeeded", project, build, "{\"id\":\"" + build + "\",\"project_id\":\"" + project + "\",\"service_id\":\""
                + service + "\",\"state\":\"SUCCEEDED\",\"image\":\"" + v1 + "\",\"commit_sha\":\"" + "a".repeat(40) + "\"}");
        try (StreamProbe nats = new StreamProbe()) {
            // the same event twice, under two message ids: the inbox alone would not stop it
            nats.publish("PAAS_BUILD", "paas.build." + project + ".succeeded", body, UUID.randomUUID().toString());
            nats.publish("PAAS_BUILD", "paas.build." + project + ".succeeded", body, UUID.randomUUID().toString());
        }
        Await.until("a deployment of the build AVAILABLE", Duration.ofSeconds(60), () -> Sql.count(
                "select count(*) from deploys.deployments where build_id = ?::uuid and state = 'AVAILABLE'", build) == 1);
        assertEquals(1, Sql.count("select count(*) from deploys.deployments where build_id = ?::uuid", build));
        assertEquals("200 flow one", get());
    }

    @Test
    void deletingTheServiceRemovesItsWorkload() throws Exception {
        String first = deploy(v1);
        awaitAvailable(first);
        assertEquals("200 flow one", get());
        publish("PAAS_SERVICE", "service", "deleted", project, service,
                "{\"id\":\"" + service + "\",\"project_id\":\"" + project + "\",\"slug\":\"" + slug + "\"}");
        Await.until("the URL gone", Duration.ofSeconds(30), () -> get().equals("404 no OpenPaaS service answers at this address"));
        Await.until("no container left", Duration.ofSeconds(30), () -> containers() == 0);
        assertEquals("SUPERSEDED", state(first));
    }

    @Test
    void theReplicasOutputStreamsAndFollows() throws Exception {
        awaitAvailable(deploy(chatty));
        String stored = given().auth().oauth2(TestTokens.user(viewer)).accept("text/event-stream").queryParam("follow", "false")
                .queryParam("tail", "50").get("/api/v1/services/" + service + "/logs").then().statusCode(200).extract().asString();
        assertTrue(stored.contains("hello-from-replica") && stored.contains("data:[openpaas-" + slug + "-"), stored);

        // following: ticks written after the stream opened keep arriving
        HttpRequest follow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port + "/api/v1/services/"
                + service + "/logs?tail=0")).header("Authorization", "Bearer " + TestTokens.user(viewer)).header("Accept", "text/event-stream").build();
        var response = HTTP.send(follow, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        var reader = java.util.concurrent.CompletableFuture.runAsync(() -> response.body()
                .takeWhile(line -> ticks.get() < 2).forEach(line -> {
                    if (line.endsWith("] tick")) {
                        ticks.incrementAndGet();
                    }
                }));
        Await.until("two new ticks while following", Duration.ofSeconds(15), () -> ticks.get() >= 2);
        reader.cancel(true);

        given().auth().oauth2(TestTokens.user(viewer)).queryParam("tail", "-1").get("/api/v1/services/" + service + "/logs").then().statusCode(400);
        given().auth().oauth2(TestTokens.user(viewer)).queryParam("since", "yesterday").get("/api/v1/services/" + service + "/logs")
                .then().statusCode(400);
    }

    @Test
    void badInputIs400AndStartsNothing() {
        String dev = TestTokens.user(developer);
        for (String body : new String[] {"{\"image\":\"NOT A REFERENCE\"}", "{\"image\":\"a b\"}", "{\"build_id\":\"" + UUID.randomUUID() + "\"}",
                "{\"image\":\"busybox\",\"build_id\":\"" + UUID.randomUUID() + "\"}", "{}"}) {
            given().auth().oauth2(dev).contentType("application/json").body(body).post("/api/v1/services/" + service + "/deployments")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        assertEquals(0, Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid", service));
    }

    @Test
    void everyEndpointAnswersEachRoleAsDesigned() {
        String other = UUID.randomUUID().toString();
        publish("PAAS_MEMBER", "member", "added", UUID.randomUUID().toString(), other,
                "{\"project_id\":\"" + UUID.randomUUID() + "\",\"user_id\":\"" + other + "\",\"role\":\"owner\"}");
        String existing = deploy("localhost/openpaas-test/absent:never");
        Await.until("it ended", Duration.ofSeconds(60), () -> "FAILED".equals(state(existing)));
        RbacMatrix<String> matrix = new RbacMatrix<String>()
                // ANONYMOUS, VIEWER, DEVELOPER, OWNER, OTHER_OWNER, ADMIN
                .row("POST /api/v1/services/{serviceId}/deployments", x -> "/api/v1/services/" + service + "/deployments",
                        (x, a) -> "{\"image\":\"localhost/openpaas-test/absent:never\"}", false, 401, 403, 202, 202, 404, 202)
                .row("GET /api/v1/services/{serviceId}/deployments", x -> "/api/v1/services/" + service + "/deployments", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/deployments/{id}", x -> "/api/v1/deployments/" + existing, 401, 200, 200, 200, 404, 200)
                .row("POST /api/v1/deployments/{id}/cancel", x -> "/api/v1/deployments/" + existing + "/cancel", 401, 403, 409, 409, 404, 409)
                // nothing ever ran: scaling and restarting have nothing to start from, rolling back nothing to go back to
                .row("POST /api/v1/services/{serviceId}/scale", x -> "/api/v1/services/" + service + "/scale", (x, a) -> "{\"replicas\":1}", false,
                        401, 403, 202, 202, 404, 202)
                .row("POST /api/v1/services/{serviceId}/restart", x -> "/api/v1/services/" + service + "/restart", 401, 403, 202, 202, 404, 202)
                .row("POST /api/v1/services/{serviceId}/rollback", x -> "/api/v1/services/" + service + "/rollback", (x, a) -> "{}", false,
                        401, 403, 409, 409, 404, 409)
                .row("GET /api/v1/services/{serviceId}/status", x -> "/api/v1/services/" + service + "/status", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/services/{serviceId}/logs", x -> "/api/v1/services/" + service + "/logs?follow=false", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/deployments/{id}/manifests", x -> "/api/v1/deployments/" + existing + "/manifests", 401, 200, 200, 200, 404, 200)
                // clusters are the platform's: anyone signed in reads them (never their credentials), admins change them
                .row("GET /api/v1/clusters", x -> "/api/v1/clusters", 401, 200, 200, 200, 200, 200)
                .row("GET /api/v1/clusters/{id}", x -> "/api/v1/clusters/" + gitopsCluster(), 401, 200, 200, 200, 200, 200)
                .row("POST /api/v1/clusters", x -> "/api/v1/clusters", (x, a) -> "{\"name\":\"m-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"kind\":\"gitops\"}", false, 401, 403, 403, 403, 403, 201)
                .row("DELETE /api/v1/clusters/{id}", x -> "/api/v1/clusters/" + x, null, true, 401, 403, 403, 403, 403, 204);
        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run("w", DeploymentFlowTest::gitopsCluster, (x, actor) -> switch (actor) {
            case ANONYMOUS -> null;
            case VIEWER -> TestTokens.user(viewer);
            case DEVELOPER -> TestTokens.user(developer);
            case OWNER -> TestTokens.user(owner);
            case OTHER_OWNER -> TestTokens.user(other);
            case ADMIN -> TestTokens.admin();
        });
        String reason = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + existing).path("reason");
        assertTrue(reason.contains("not available"), reason);
    }

    @org.junit.jupiter.api.AfterAll
    static void forgetTheMatrixClusters() {
        io.openpaas.common.testing.Sql.execute("delete from deploys.clusters where kind = 'gitops' and name ~ '^[gm]-[0-9a-f]{8}$'");
    }

    /** A cluster registered for one cell of the matrix. */
    static String gitopsCluster() {
        return given().auth().oauth2(TestTokens.admin()).contentType("application/json").body("{\"name\":\"g-" + UUID.randomUUID().toString()
                .substring(0, 8) + "\",\"kind\":\"gitops\"}").post("/api/v1/clusters").then().statusCode(201).extract().path("id");
    }
}

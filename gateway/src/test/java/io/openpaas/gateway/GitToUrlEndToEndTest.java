package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.StreamProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The platform's whole job on one machine, through the gateway, with every service running as
 * its own process and talking only over NATS: a commit in a Git repository is built with buildah
 * into the registry, the build deploys itself, and the new content answers at the service's URL
 * through the proxy.
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "services", value = "all"), @ResourceArg(name = "rate-limit", value = "0")})
class GitToUrlEndToEndTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final int PROXY = Integer.parseInt(System.getenv().getOrDefault("OPENPAAS_PROXY_PORT", "8000"));
    final ObjectMapper json = new ObjectMapper();

    /** The whole platform runs here: what its dashboards and alert rules query, its processes export (docs/operations.md). */
    @Test
    void everyMetricOfTheDashboardsAndAlertRulesIsExported() throws Exception {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        java.util.Map<String, String> processes = new java.util.TreeMap<>();
        for (String service : List.of("project", "build", "deploy", "secrets", "audit")) {
            processes.put(service + "-service", config.getValue("openpaas.gateway." + service + "-url", String.class));
        }
        processes.put("gateway", io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        io.openpaas.gateway.delivery.DeliveryMetrics.assertEveryQueriedMetricIsExported(processes);
    }

    @Test
    void aCommitIsBuiltDeployedAndServedAtTheServiceUrl() throws Exception {
        String jwt = GatewayEndToEndTest.adminJwt();
        Path root = Files.createTempDirectory("e2e-git");
        String repository = commit(root, "version one", true);
        App app = app(jwt, "e2e", "End to end", repository);
        String project = app.project();
        String service = app.service();
        String host = app.host();

        String firstBuild = build(jwt, service);
        Await.until("version one at the URL", Duration.ofSeconds(180), () -> get(host).equals("200 version one"));

        commit(root, "version two", false);
        String secondBuild = build(jwt, service);
        Await.until("version two at the URL", Duration.ofSeconds(180), () -> get(host).equals("200 version two"));

        // each build's events, then its deployment's, in order; the deployment names the build
        for (String build : List.of(firstBuild, secondBuild)) {
            List<JsonNode> buildEvents = events("paas.build." + project + ".>", build);
            assertEquals(List.of("paas.build.queued", "paas.build.cloning", "paas.build.building", "paas.build.pushing", "paas.build.succeeded"),
                    types(buildEvents));
            String deployment = given().auth().oauth2(jwt).get("/api/v1/services/" + service + "/deployments").then().statusCode(200)
                    .extract().jsonPath().<String>getList("items.findAll { it.build_id == '" + build + "' }.id").get(0);
            List<JsonNode> deployEvents = events("paas.deploy." + project + ".>", deployment);
            assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"),
                    types(deployEvents.subList(0, 4)));
            assertTrue(!java.time.Instant.parse(buildEvents.get(4).path("time").asText())
                    .isAfter(java.time.Instant.parse(deployEvents.get(0).path("time").asText())),
                    "the deployment was asked for after the build succeeded");
            assertEquals(buildEvents.get(4).path("data").path("image").asText(), deployEvents.get(0).path("data").path("image").asText());
        }
    }


    /**
     * A secret group linked to the service reaches the running container's environment through
     * the real secrets-service (the app writes the variable into the page it serves), a change of
     * it rolls the service by itself, and the planted values appear in no log, event, audit
     * record, error answer or build log.
     */
    @Test
    void aLinkedSecretReachesTheContainerAndAChangeRollsTheService() throws Exception {
        String jwt = GatewayEndToEndTest.adminJwt();
        String one = "planted-e2e-one-" + UUID.randomUUID();
        String two = "planted-e2e-two-" + UUID.randomUUID();
        Path root = Files.createTempDirectory("e2e-secret");
        String repository = commit(root, "unused", true,
                "[\"/bin/busybox\",\"sh\",\"-c\",\"echo \\\"$DB_PASSWORD\\\" > /www/index.html; exec /bin/busybox httpd -f -p 8080 -h /www\"]");
        App app = app(jwt, "sec", "Secrets", repository);
        String project = app.project();
        String service = app.service();
        String host = app.host();
        String group = "/api/v1/projects/" + project + "/secrets/db";
        // secrets-service learns of the service from its event: until then the link is refused (400), never half-made
        Await.until("the group linked", Duration.ofSeconds(20), () -> given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body("{\"data\":{\"DB_PASSWORD\":\"" + one + "\"},\"services\":[\"" + service + "\"]}").put(group).statusCode() == 201);

        String build = build(jwt, service);
        Await.until("the first value served", Duration.ofSeconds(180), () -> get(host).equals("200 " + one));

        given().auth().oauth2(jwt).contentType(ContentType.JSON).header("If-Match", "\"1\"").body("{\"data\":{\"DB_PASSWORD\":\"" + two + "\"}}")
                .patch(group).then().statusCode(200);
        Await.until("the new value served, without a build", Duration.ofSeconds(120), () -> get(host).equals("200 " + two));
        assertTrue(!given().auth().oauth2(jwt).get("/api/v1/services/" + service + "/deployments").then().statusCode(200).extract()
                .jsonPath().getList("items.findAll { it.trigger == 'secret' }").isEmpty(), "a deployment made by the change");

        // an owner's reveal is audited; a bad write answers without the value
        given().auth().oauth2(jwt).get(group + "?reveal=true").then().statusCode(200).body("data.DB_PASSWORD", org.hamcrest.Matchers.equalTo(two));
        String refused = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"data\":{\"bad key\":\"" + one + "\"}}").put(group)
                .then().statusCode(400).extract().asString();
        assertTrue(!refused.contains(one), refused);
        Await.until("the reveal in the audit trail", Duration.ofSeconds(20), () -> given().auth().oauth2(jwt)
                .get("/api/v1/audit?project=" + project + "&type=paas.secret.revealed").then().extract().jsonPath().getList("items").size() == 1);

        // search everywhere a value must not be
        List<String> places = new ArrayList<>();
        try (var files = Files.walk(PlatformProcesses.workDir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
                String text = Files.readString(file);
                places.add(file.getFileName() + (text.contains(one) || text.contains(two) ? " HOLDS A VALUE" : ""));
            }
        }
        try (StreamProbe nats = new StreamProbe()) {
            int seen = 0;
            for (String domain : List.of("project", "member", "service", "build", "deploy", "secret", "security")) {
                for (String body : nats.bodies("paas." + domain + ".>")) {
                    assertTrue(!body.contains(one) && !body.contains(two), "an event holds a value: " + body);
                    seen += body.contains(project) ? 1 : 0;
                }
            }
            assertTrue(seen > 10, "the search read this project's events: " + seen);
        }
        String audit = given().auth().oauth2(jwt).get("/api/v1/audit/export?project=" + project).then().statusCode(200).extract().asString();
        assertTrue(audit.contains("paas.secret.updated") && !audit.contains(one) && !audit.contains(two), "the audit trail");
        String buildLog = given().auth().oauth2(jwt).get("/api/v1/builds/" + build + "/logs?follow=false").then().statusCode(200).extract().asString();
        assertTrue(!buildLog.isEmpty() && !buildLog.contains(one), "the build log");
        assertTrue(places.size() >= 5 && places.stream().noneMatch(p -> p.endsWith("HOLDS A VALUE")), "service logs: " + places);
        assertEquals(0, io.openpaas.common.testing.Sql.count("select count(*) from secrets.secret_values v where position(convert_to(?, 'UTF8') "
                + "in v.ciphertext) > 0", one));
    }

    /** secrets-service started with a master key that does not open the stored secrets stops, saying so, and changes nothing. */
    @Test
    void aSecretsServiceWithAnotherMasterKeyRefusesToStart() throws Exception {
        String jwt = GatewayEndToEndTest.adminJwt();
        String project = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"Keys\",\"slug\":\"key-"
                + UUID.randomUUID().toString().substring(0, 6) + "\"}").post("/api/v1/projects").then().statusCode(201).extract().path("id");
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"data\":{\"A\":\"kept\"}}").put("/api/v1/projects/" + project
                + "/secrets/kept").then().statusCode(201);
        String before = io.openpaas.common.testing.Sql.text("select md5(string_agg(master_key_id || encode(wrapped, 'hex'), ',' "
                + "order by group_id)) from secrets.data_keys");
        byte[] wrong = new byte[32];
        new java.security.SecureRandom().nextBytes(wrong);
        java.util.Map<String, String> props = new java.util.HashMap<>(PlatformProcesses.launchedWith);
        props.put("openpaas.secrets.master-key", java.util.Base64.getEncoder().encodeToString(wrong));
        Path log = Files.createTempFile("secrets-wrong-key", ".log");
        Process second = new ProcessBuilder(PlatformProcesses.command("secrets-service", PlatformProcesses.freePort(), props))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean stopped = second.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!stopped) {
            second.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(stopped, "it stops by itself: " + output);
        assertTrue(second.exitValue() != 0 && output.contains("Refusing to start") && output.contains("nothing was changed"), output);
        assertEquals(before, io.openpaas.common.testing.Sql.text("select md5(string_agg(master_key_id || encode(wrapped, 'hex'), ',' "
                + "order by group_id)) from secrets.data_keys"));
        given().auth().oauth2(jwt).get("/api/v1/projects/" + project + "/secrets/kept?reveal=true").then().statusCode(200)
                .body("data.A", org.hamcrest.Matchers.equalTo("kept"));
    }

    /** A project and its public Git service, as the API made them. */
    record App(String project, String service, String host) {
    }

    /** Creates a project (slug {@code prefix-…}) with one public web service built from {@code repository}. */
    static App app(String jwt, String prefix, String name, String repository) {
        String projectSlug = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        String project = given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"slug\":\"" + projectSlug + "\"}").post("/api/v1/projects").then().statusCode(201)
                .extract().path("id");
        var created = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"Web\",\"build_source\":{\"type\":\"git\","
                + "\"repository\":\"" + repository + "\",\"branch\":\"main\"},\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}],"
                + "\"resources\":{\"memory_mb\":64},\"health_check\":{\"interval_seconds\":1,\"timeout_seconds\":1}}")
                .post("/api/v1/projects/" + project + "/services").then().statusCode(201).extract();
        return new App(project, created.path("id"), created.path("slug") + "." + projectSlug + ".localhost");
    }

    /** The events about one resource on the subjects of {@code filter}, in stream order. */
    List<JsonNode> events(String filter, String subject) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        try (StreamProbe nats = new StreamProbe()) {
            for (String body : nats.bodies(filter)) {
                JsonNode e = json.readTree(body);
                if (subject.equals(e.path("subject").asText())) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    /** Asks for a build, retrying while build-service has not heard of the new service yet (404). */
    static String build(String jwt, String service) {
        String[] id = new String[1];
        Await.until("a build accepted", Duration.ofSeconds(20), () -> {
            var response = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{}").post("/api/v1/services/" + service + "/builds");
            id[0] = response.statusCode() == 202 ? response.path("id") : null;
            return id[0] != null;
        });
        return id[0];
    }

    /** A commit on {@code main} of a repository that builds a FROM-scratch image serving {@code content}; its bare file:// URL. */
    static String commit(Path root, String content, boolean first) throws Exception {
        return commit(root, content, first, "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"]");
    }

    static String commit(Path root, String content, boolean first, String entrypoint) throws Exception {
        Path work = root.resolve("work");
        Path bare = root.resolve("repo.git");
        if (first) {
            Files.createDirectories(work.resolve("www"));
            Files.copy(Path.of("/bin/busybox"), work.resolve("busybox"));
            Files.writeString(work.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nENTRYPOINT " + entrypoint + "\n");
        }
        Files.writeString(work.resolve("www/index.html"), content + "\n");
        String script = first
                ? "git init -q -b main && git add . && git -c user.name=t -c user.email=t@example.com commit -qm first && git clone -q --bare . ../repo.git"
                        + " && git remote add origin ../repo.git"
                : "git add . && git -c user.name=t -c user.email=t@example.com commit -qm next && git push -q origin main";
        Process p = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return bare.toUri().toString();
    }

    static String get(String host) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROXY + "/index.html")).header("Host", host)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (Exception e) {
            return "error " + e;
        }
    }
}

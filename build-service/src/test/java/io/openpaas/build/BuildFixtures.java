package io.openpaas.build;

import static io.restassured.RestAssured.given;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.StreamProbe;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * What build tests need from the rest of the platform, made the way the platform makes it: members
 * and services arrive as project-service's events on NATS; repositories are real bare Git
 * repositories; images are checked in the real registry.
 */
final class BuildFixtures {

    static final String REGISTRY = System.getenv().getOrDefault("OPENPAAS_REGISTRY_URL", "127.0.0.1:5000");

    private BuildFixtures() {
    }

    static String event(String domain, String type, String project, String subject, String data) {
        String id = UUID.randomUUID().toString();
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/project-service\",\"type\":\"paas." + domain + "." + type
                + "\",\"subject\":\"" + subject + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\","
                + "\"projectid\":\"" + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":" + data + "}";
    }

    static void member(String project, String user, String role) {
        try (StreamProbe nats = new StreamProbe()) {
            String body = event("member", "added", project, user,
                    "{\"project_id\":\"" + project + "\",\"user_id\":\"" + user + "\",\"role\":\"" + role + "\"}");
            nats.publish("PAAS_MEMBER", "paas.member." + project + ".added", body, UUID.randomUUID().toString());
        }
    }

    /** Publishes {@code paas.service.<project>.created} for a Git service; answers its id. */
    static String gitService(String project, String repository, String branch, String dockerfile, String context) {
        String id = UUID.randomUUID().toString();
        StringBuilder source = new StringBuilder("{\"type\":\"git\",\"repository\":\"" + repository + "\",\"branch\":\"" + branch + "\"");
        if (dockerfile != null) {
            source.append(",\"dockerfile\":\"").append(dockerfile).append('"');
        }
        if (context != null) {
            source.append(",\"context\":\"").append(context).append('"');
        }
        source.append('}');
        publishService(project, id, "created", "{\"id\":\"" + id + "\",\"project_id\":\"" + project + "\",\"name\":\"Web\",\"slug\":\"web-"
                + id.substring(0, 8) + "\",\"type\":\"webapp\",\"build_source\":" + source + ",\"ports\":[{\"name\":\"http\",\"port\":8080,"
                + "\"public\":true}],\"version\":0}");
        return id;
    }

    static void publishService(String project, String serviceId, String type, String data) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish("PAAS_SERVICE", "paas.service." + project + "." + type, event("service", type, project, serviceId, data),
                    UUID.randomUUID().toString());
        }
    }

    /** A bare repository with one commit on {@code main} holding the given files; answers its file:// URL. */
    static String bareRepository(Path root, Map<String, byte[]> files) throws Exception {
        Path work = Files.createTempDirectory(root, "work");
        Path bare = Files.createTempDirectory(root, "bare").resolve("repo.git");
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = work.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
                if (file.getKey().endsWith("busybox")) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("first").setAuthor(new PersonIdent("t", "t@example.com")).setCommitter(new PersonIdent("t", "t@example.com")).call();
        }
        try (Git ignored = Git.cloneRepository().setBare(true).setURI(work.toUri().toString()).setDirectory(bare.toFile()).call()) {
            return bare.toUri().toString();
        }
    }

    /** The files of an app image built FROM scratch (busybox-static serves HTTP); extra Dockerfile lines go before ENTRYPOINT. */
    static Map<String, byte[]> scratchApp(String... extraLines) throws IOException {
        StringBuilder dockerfile = new StringBuilder("FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n");
        for (String line : extraLines) {
            dockerfile.append(line).append('\n');
        }
        dockerfile.append("USER 1000\nENTRYPOINT [\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"]\n");
        return Map.of("Dockerfile", dockerfile.toString().getBytes(), "busybox", Files.readAllBytes(Path.of("/bin/busybox")),
                "www/index.html", "hello\n".getBytes());
    }

    static Response requestBuild(String token, String serviceId) {
        return given().auth().oauth2(token).contentType("application/json").body("{}").post("/api/v1/services/" + serviceId + "/builds");
    }

    /** Requests a build, retrying while the service's projection has not caught up (404). */
    static String startBuild(String token, String serviceId) {
        String[] id = new String[1];
        Await.until("the build accepted", Duration.ofSeconds(20), () -> {
            Response response = requestBuild(token, serviceId);
            if (response.statusCode() == 202) {
                id[0] = response.path("id");
                return true;
            }
            return false;
        });
        return id[0];
    }

    static String state(String token, String buildId) {
        return given().auth().oauth2(token).get("/api/v1/builds/" + buildId).path("state");
    }

    static void awaitState(String token, String buildId, String expected, Duration timeout) {
        Await.until("build " + buildId + " " + expected + " (logs: " + logsHint(token, buildId) + ")", timeout,
                () -> expected.equals(state(token, buildId)));
    }

    private static Object logsHint(String token, String buildId) {
        return new Object() {
            @Override
            public String toString() {
                return given().auth().oauth2(token).queryParam("follow", "false").get("/api/v1/builds/" + buildId + "/logs").asString();
            }
        };
    }

    /** The registry's own digest of a manifest (Docker-Content-Digest). */
    static String registryDigest(String repository, String reference) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/" + repository + "/manifests/" + reference))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<Void> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new AssertionError("registry answered " + response.statusCode() + " for " + repository + ":" + reference);
        }
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    /** Processes whose command line mentions {@code marker} (a build's image tag names the build). */
    static long processesMentioning(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .count();
    }
}

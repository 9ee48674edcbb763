package io.openpaas.deploy.targets.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local target for real: images built here with buildah (FROM scratch, busybox's httpd), run
 * by podman's Docker API, reached through Caddy at the service's stable host name.
 */
class LocalTargetTest {

    /** A platform of its own: its reconcile test removes whatever else of its platform runs. */
    static final String PLATFORM = "openpaas-test-target";
    static final String DOCKER = System.getenv().getOrDefault("OPENPAAS_DOCKER_HOST", "unix:///var/run/docker.sock");
    static final String ADMIN = System.getenv().getOrDefault("OPENPAAS_PROXY_ADMIN_URL", "http://127.0.0.1:2019");
    static final int PROXY = Integer.parseInt(System.getenv().getOrDefault("OPENPAAS_PROXY_PORT", "8000"));
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static String v1;
    static String v2;
    static String broken;

    final LocalTarget target = new LocalTarget(PLATFORM, DOCKER, ADMIN, PROXY, new ObjectMapper(), Duration.ofMillis(1500), Duration.ofSeconds(5),
            Duration.ofSeconds(20));
    final UUID service = UUID.randomUUID();
    final String slug = "web" + service.toString().substring(0, 6);

    @BeforeAll
    static void images() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        v1 = image("v1-" + tag, "content one", "8080");
        v2 = image("v2-" + tag, "content two", "8080");
        broken = image("broken-" + tag, "never served", "9999"); // listens elsewhere than its health check asks
    }

    static String image(String tag, String content, String listen) throws Exception {
        Path dir = Files.createTempDirectory("app");
        Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), content + "\n");
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n"
                + "ENTRYPOINT [\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"" + listen + "\",\"-h\",\"/www\"]\n");
        String name = "localhost/openpaas-test/app:" + tag;
        Process p = new ProcessBuilder("buildah", "bud", "-q", "--layers", "-t", name, dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return name;
    }

    WorkloadSpec spec(String image, int replicas) {
        return new WorkloadSpec(UUID.randomUUID(), "demo", service, slug, UUID.randomUUID(), image, Map.of("MODE", "test"), null, null, 200,
                64, replicas, List.of(new WorkloadSpec.Port("http", 8080, true)), new WorkloadSpec.HealthCheck("/", 8080, 1, 1, 3, 0), null, null, null);
    }

    /** GET through the proxy with the service's host name; null when no answer. */
    String get() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROXY + "/index.html"))
                    .header("Host", slug + ".demo.localhost").timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (Exception e) {
            return "error " + e;
        }
    }

    @AfterEach
    void clean() throws Exception {
        target.remove(service);
    }

    @Test
    void deploysBehindTheProxyAndRedeploysWithoutAFailedRequest() throws Exception {
        List<String> log = new ArrayList<>();
        target.apply(spec(v1, 2), log::add);
        assertEquals("200 content one", get());
        assertEquals(2, target.observe(service).size());

        AtomicBoolean going = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread client = new Thread(() -> {
            while (going.get()) {
                String answer = get();
                if (answer.equals("200 content one") || answer.equals("200 content two")) {
                    ok.incrementAndGet();
                } else {
                    failures.add(answer);
                }
            }
        });
        client.start();
        target.apply(spec(v2, 2), log::add);
        // the client goes on against the new replicas for a while after the rollout returned
        int answered = ok.get() + failures.size();
        io.openpaas.common.testing.Await.until("twenty more calls after the rollout", Duration.ofSeconds(20),
                () -> ok.get() + failures.size() >= answered + 20);
        going.set(false);
        client.join();
        assertEquals(List.of(), failures, "requests that failed during the rollout (" + ok.get() + " succeeded)");
        assertTrue(ok.get() > 20, "the client kept calling: " + ok.get());
        assertEquals("200 content two", get());
        io.openpaas.common.testing.Await.until("the old replicas gone", Duration.ofSeconds(20), () -> target.observe(service).size() == 2);
    }

    @Test
    void aReplicaThatNeverTurnsHealthyFailsTheRolloutAndTheOldOneKeepsServing() throws Exception {
        target.apply(spec(v1, 1), line -> { });
        DeployFailure failure = assertThrows(DeployFailure.class, () -> target.apply(spec(broken, 1), line -> { }));
        assertTrue(failure.getMessage().contains("never passed their health check"), failure.getMessage());
        assertEquals("200 content one", get());
        assertEquals(1, target.observe(service).size(), "the failed replica was removed");
    }

    @Test
    void scaledToZeroNothingRunsAndRemoveLeavesNothing() throws Exception {
        target.apply(spec(v1, 3), line -> { });
        assertEquals(3, target.observe(service).size());
        target.apply(spec(v1, 0), line -> { });
        io.openpaas.common.testing.Await.until("every replica stopped", Duration.ofSeconds(20), () -> target.observe(service).isEmpty());
        assertEquals("404 no OpenPaaS service answers at this address", get(), "no route any more");
        target.apply(spec(v1, 1), line -> { });
        target.remove(service);
        assertEquals(0, target.observe(service).size());
    }

    @Test
    void afterARestartTheRecordedDeploymentServesAgainAndStrayReplicasGo() throws Exception {
        WorkloadSpec serving = spec(v1, 2);
        target.apply(serving, line -> { });
        WorkloadSpec stray = spec(v2, 1); // a rollout cut short by a crash: started, never recorded as serving
        String strayId = docker("POST", "/containers/create?name=openpaas-stray-" + stray.deploymentId(), "{\"Image\":\"" + v2
                + "\",\"Labels\":{\"io.openpaas.platform\":\"" + PLATFORM + "\",\"io.openpaas.service\":\"" + service + "\",\"io.openpaas.deployment\":\"" + stray.deploymentId() + "\"}}")
                .replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");
        String stopped = target.observe(service).stream().filter(r -> serving.deploymentId().equals(r.deploymentId())).findFirst().orElseThrow().id();
        docker("POST", "/containers/" + stopped + "/stop?t=0", null); // the engine or the machine restarted

        // a fresh deploy-service, and a proxy that lost its routes
        LocalTarget restarted = new LocalTarget(PLATFORM, DOCKER, ADMIN, PROXY, new ObjectMapper(), Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(20));
        new CaddyRoutes(new ObjectMapper(), ADMIN, "127.0.0.1:" + PROXY).replaceAll(List.of());
        assertEquals("404 no OpenPaaS service answers at this address", get());

        List<String> log = new ArrayList<>();
        restarted.reconcile(java.util.Set.of(serving.deploymentId()), java.util.Set.of(), log::add);
        assertEquals("200 content one", get(), String.join("\n", log));
        var replicas = restarted.observe(service);
        assertEquals(2, replicas.size(), "the stray replica is gone: " + replicas);
        assertTrue(replicas.stream().allMatch(r -> r.healthy() && serving.deploymentId().equals(r.deploymentId())), replicas.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains(strayId.substring(0, 12))), String.join("\n", log));
    }

    @Test
    void anImageInTheRegistryIsPulledByDigest() throws Exception {
        // as a build leaves it: pushed to the registry, known by digest, not on this engine
        String registry = System.getenv().getOrDefault("OPENPAAS_REGISTRY_URL", "127.0.0.1:5000");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String local = image("pushed-" + tag, "content pushed " + tag, "8080"); // its own digest: never on the engine before
        Path digest = Files.createTempFile("digest", ".txt");
        String remote = registry + "/openpaas-test/pushed";
        run("buildah", "push", "-q", "--tls-verify=false", "--digestfile", digest.toString(), local, "docker://" + remote + ":latest");
        run("buildah", "rmi", local);
        String byDigest = remote + "@" + Files.readString(digest).strip();

        List<String> log = new ArrayList<>();
        try {
            target.apply(spec(byDigest, 1), log::add);
            assertEquals("200 content pushed " + tag, get(), String.join("\n", log));
            assertTrue(log.stream().anyMatch(l -> l.startsWith("pulling ")), String.join("\n", log));
        } finally {
            target.remove(service);
            run("buildah", "rmi", "-f", byDigest);
        }
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /** A call to the engine's API as an operator would make it (curl on its socket). */
    static String docker(String method, String path, String body) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", DOCKER.replace("unix://", ""),
                "-H", "Content-Type: application/json"));
        if (body != null) {
            cmd.addAll(List.of("-d", body));
        }
        cmd.add("http://d/v1.41" + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}

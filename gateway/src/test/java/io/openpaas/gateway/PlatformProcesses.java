package io.openpaas.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the real project-service and audit-service from their packaged jars (built earlier in
 * the reactor) on free ports against the test database and NATS, plus a deliberately slow
 * upstream, and points the gateway at them. Tests through the gateway then exercise the whole
 * path: gateway → service → outbox → JetStream → audit-service.
 */
public class PlatformProcesses implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_API_TOKEN = "opaas_testadmin_0123456789abcdefghijklmnopqrstuv";

    /** Where the services' logs and key copies are, for tests that search the logs. */
    static volatile Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private HttpServer slow;
    /** Init arg {@code services=all}: also launch build-, deploy- and secrets-service (else they answer 502 and 504). */
    private boolean allServices;
    /** Init arg {@code rate-limit}: the gateway's per-token budget (0: off). */
    private String rateLimit;

    @Override
    public void init(Map<String, String> initArgs) {
        allServices = "all".equals(initArgs.get("services"));
        rateLimit = initArgs.get("rate-limit");
        rotatingKeys = "rotating".equals(initArgs.get("keys"));
    }

    /** Init arg {@code keys=rotating}: project-service makes and rotates its own key files; everyone verifies with its JWKS. */
    private boolean rotatingKeys;

    @Override
    public Map<String, String> start() {
        try {
            Path work = Files.createTempDirectory("openpaas-gw-test");
            workDir = work;
            Path privateKey = copy("test-jwt/private.pem", work);
            Path publicKey = copy("test-jwt/public.pem", work);
            int projectPort = freePort();
            int auditPort = freePort();
            String jwks = "http://127.0.0.1:" + projectPort + "/.well-known/jwks.json";
            Map<String, String> common = new HashMap<>(Map.of(
                    "openpaas.database.name", "openpaas_test",
                    "openpaas.auth.jwt.public-key-location", rotatingKeys ? jwks : "file:" + publicKey,
                    "openpaas.bootstrap.admin-token", ADMIN_API_TOKEN,
                    "openpaas.state-dir", work.toString(),
                    // the tests' durable consumers (as in the services' own tests): a platform running on the same NATS keeps its messages
                    "openpaas.nats.durable-suffix", "-test"));
            if (!rotatingKeys) {
                common.put("openpaas.auth.jwt.private-key-location", "file:" + privateKey);
            }
            // a request for an id no projection knows waits this long before 404 (2 s in production, proven by
            // each service's own tests); the fuzz sends hundreds of such requests
            common.put("openpaas.members.catch-up-wait", "PT0.2S");
            // the end-to-end test builds from a repository on this machine (file://)
            common.put("openpaas.build.allow-local-repositories", "true");
            // the containers of the tests' database, apart from a local run's on the same engine
            common.put("openpaas.deploy.local.platform", "openpaas-test");
            // the end-to-end cluster is the fabric8 test server, which has no server-side apply (docs/clusters.md)
            common.put("openpaas.deploy.clusters.server-side-apply", "false");
            common.put("openpaas.deploy.clusters.poll-every", "PT0.2S");
            launch("project-service", projectPort, common, work);
            launch("audit-service", auditPort, common, work);
            Map<String, Integer> others = new HashMap<>();
            if (allServices) {
                for (String other : List.of("build-service", "deploy-service", "secrets-service")) {
                    others.put(other, freePort());
                    launch(other, others.get(other), common, work);
                }
            }
            slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            slow.createContext("/", exchange -> {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            slow.start();
            awaitReady(projectPort, "project-service", work);
            awaitReady(auditPort, "audit-service", work);
            for (var other : others.entrySet()) {
                awaitReady(other.getValue(), other.getKey(), work);
            }
            Map<String, String> config = new HashMap<>();
            config.put("openpaas.gateway.project-url", "http://127.0.0.1:" + projectPort);
            config.put("openpaas.gateway.audit-url", "http://127.0.0.1:" + auditPort);
            if (allServices) {
                config.put("openpaas.gateway.build-url", "http://127.0.0.1:" + others.get("build-service"));
                config.put("openpaas.gateway.deploy-url", "http://127.0.0.1:" + others.get("deploy-service"));
                config.put("openpaas.gateway.secrets-url", "http://127.0.0.1:" + others.get("secrets-service"));
            } else {
                config.put("openpaas.gateway.build-url", "http://127.0.0.1:" + freePort()); // nothing listens: 502
                config.put("openpaas.gateway.deploy-url", "http://127.0.0.1:" + slow.getAddress().getPort()); // too slow: 504
                config.put("openpaas.gateway.secrets-url", "http://127.0.0.1:" + freePort());
                if (!rotatingKeys) { // a service's first JWKS fetch (from itself) may take longer than that
                    // under the slow upstream's 5 s (its 504), with room for a real call on 2 loaded cores (1 s made
                    // user creation answer 504 in a CI run)
                    config.put("openpaas.gateway.upstream-timeout", "PT3S");
                }
            }
            if (rateLimit != null) {
                config.put("openpaas.gateway.rate-limit.requests", rateLimit);
            }
            if (rotatingKeys) {
                config.put("openpaas.auth.jwt.public-key-location", jwks);
            }
            return config;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings every launched service got (for a test that launches one more, differently). */
    static volatile Map<String, String> launchedWith;

    /** The command that runs a packaged service with these settings. */
    static List<String> command(String service, int port, Map<String, String> props) {
        Path jar = Path.of("..", service, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the whole suite (mvn install) so the services are packaged first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port, "-Dquarkus.log.level=INFO"));
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    private void launch(String service, int port, Map<String, String> props, Path work) throws IOException {
        launchedWith = Map.copyOf(props);
        List<String> command = command(service, port, props);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(service + ".log").toFile()).start();
        processes.add(process);
    }

    private static void awaitReady(int port, String service, Path work) throws IOException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(service + " did not become ready; its log: " + Files.readString(work.resolve(service + ".log")));
    }

    private static Path copy(String resource, Path dir) throws IOException {
        Path target = dir.resolve(Path.of(resource).getFileName());
        try (InputStream in = PlatformProcesses.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void stop() {
        if (slow != null) {
            slow.stop(0);
        }
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

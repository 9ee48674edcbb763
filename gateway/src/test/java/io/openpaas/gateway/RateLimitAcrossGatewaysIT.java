package io.openpaas.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged gateways in front of the real project-service, sharing Redis
 * ({@code OPENPAAS_REDIS_URL}): a token's budget is one budget, whichever replica it calls.
 * Runs after packaging (failsafe), against the jars a user would run.
 */
class RateLimitAcrossGatewaysIT {

    static final int LIMIT = 10;
    static final long WINDOW_MILLIS = 60_000;
    static final PlatformProcesses platform = new PlatformProcesses();
    static final List<Process> gateways = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();
    static int portA;
    static int portB;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        // a native build packages no jar: this test is about the JVM artifact
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(jar), "no packaged gateway jar");
        Map<String, String> upstreams = platform.start();
        Path publicKey = PlatformProcesses.workDir.resolve("public.pem");
        portA = freePort();
        portB = freePort();
        for (int port : new int[] {portA, portB}) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx96m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port,
                    "-Dopenpaas.redis.url=" + System.getenv().getOrDefault("OPENPAAS_REDIS_URL", "redis://127.0.0.1:6379"),
                    "-Dopenpaas.gateway.rate-limit.requests=" + LIMIT, "-Dopenpaas.gateway.rate-limit.window=PT60S",
                    "-Dopenpaas.auth.jwt.public-key-location=file:" + publicKey));
            upstreams.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar.toString());
            gateways.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(PlatformProcesses.workDir.resolve("gateway-" + port + ".log").toFile()).start());
        }
        awaitReady(portA);
        awaitReady(portB);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        gateways.forEach(Process::destroy);
        for (Process p : gateways) {
            p.waitFor();
        }
        platform.stop();
    }

    @Test
    void aTokensBudgetIsSharedByEveryGatewayReplica() throws Exception {
        String jwt = adminJwt(portA);
        String otherJwt = adminJwt(portB);
        // windows are aligned on the clock: start early in one so the whole test falls in it
        long intoWindow = System.currentTimeMillis() % WINDOW_MILLIS;
        if (intoWindow > WINDOW_MILLIS / 2) {
            Thread.sleep(WINDOW_MILLIS - intoWindow + 100);
        }
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(200, get(i % 2 == 0 ? portA : portB, jwt).statusCode(), "request " + (i + 1) + " is within the budget");
        }
        HttpResponse<String> refusedB = get(portB, jwt);
        HttpResponse<String> refusedA = get(portA, jwt);
        assertEquals(429, refusedB.statusCode());
        assertEquals(429, refusedA.statusCode());
        long retryAfter = Long.parseLong(refusedA.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals("application/problem+json", refusedA.headers().firstValue("Content-Type").orElse(""));
        // the budget is per token: another token of the same admin is untouched
        assertEquals(200, get(portB, otherJwt).statusCode());
    }

    private static HttpResponse<String> get(int port, String jwt) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/projects"))
                .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An access token from a fresh API token, so each has its own budget. */
    private static String adminJwt(int port) throws Exception {
        String admin = exchange(port, PlatformProcesses.ADMIN_API_TOKEN);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"rate-limit-it\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return exchange(port, field(created.body(), "token"));
    }

    private static String exchange(int port, String apiToken) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/auth/token"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"api_token\":\"" + apiToken + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return field(r.body(), "access_token");
    }

    private static String field(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    private static void awaitReady(int port) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready").toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("gateway on " + port + " did not start: "
                + Files.readString(PlatformProcesses.workDir.resolve("gateway-" + port + ".log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

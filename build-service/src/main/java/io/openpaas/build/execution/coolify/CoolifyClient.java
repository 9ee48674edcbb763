package io.openpaas.build.execution.coolify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.config.CoolifyConfig;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The part of Coolify's REST API (v4, {@code /api/v1}, Bearer token) that builds need: list
 * applications, queue a deployment, read it, cancel it. A 429 is waited out for its
 * {@code Retry-After}; other errors become a build failure naming Coolify's own message.
 */
final class CoolifyClient {

    private final HttpClient http;
    private final String base;
    private final String apiKey;
    private final CoolifyConfig config;
    private final ObjectMapper mapper;

    CoolifyClient(CoolifyConfig config, ObjectMapper mapper) throws BuildFailure {
        this.config = config;
        this.mapper = mapper;
        this.base = config.url().filter(u -> !u.isBlank()).orElseThrow(() -> new BuildFailure(
                "the coolify executor needs OPENPAAS_COOLIFY_URL and OPENPAAS_COOLIFY_API_KEY")).replaceAll("/+$", "");
        this.apiKey = config.apiKey().orElse("");
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    JsonNode get(String path, BuildRun run) throws BuildFailure, InterruptedException {
        return call("GET", path, run);
    }

    JsonNode post(String path, BuildRun run) throws BuildFailure, InterruptedException {
        return call("POST", path, run);
    }

    private JsonNode call(String method, String path, BuildRun run) throws BuildFailure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(config.requestTimeout())
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        for (int waits = 0; ; waits++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new BuildFailure("Coolify at " + base + " cannot be reached: " + e.getMessage());
            }
            if (response.statusCode() == 429 && waits < config.maxRateLimitWaits() && !run.stopped()) {
                long seconds = response.headers().firstValue("Retry-After").map(CoolifyClient::seconds).orElse(5L);
                run.log("[coolify] rate limited; waiting " + seconds + " s as Coolify asks (Retry-After)");
                Thread.sleep(Duration.ofSeconds(seconds).toMillis());
                continue;
            }
            JsonNode body = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                String message = body.path("message").asText(response.body().length() > 200 ? response.body().substring(0, 200) : response.body());
                throw new BuildFailure("Coolify answered " + response.statusCode() + " to " + method + " " + path + ": " + message);
            }
            return body;
        }
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(1, Math.min(300, Long.parseLong(retryAfter.strip())));
        } catch (NumberFormatException e) {
            return 5;
        }
    }
}

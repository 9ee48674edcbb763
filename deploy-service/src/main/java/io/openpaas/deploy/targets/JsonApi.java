package io.openpaas.deploy.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A JSON API behind a bearer token (ArgoCD, Rancher), with timeouts on every call: an answer
 * outside 2xx becomes a {@link OutboundGuard.Refused} (4xx: the tool's verdict, not retried) or an
 * {@link IOException} (5xx: retried by the guard), carrying the tool's own message and never the token.
 */
public final class JsonApi {

    private final String base;
    private final String token;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final HttpClient http;

    public JsonApi(String base, String token, ObjectMapper mapper, Duration timeout) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.mapper = mapper;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    public JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : mapper.writeValueAsString(body))));
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
        return token == null || token.isBlank() ? request : request.header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body() == null || response.body().isBlank() ? mapper.createObjectNode() : parse(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return body;
        }
        String message = body.path("message").asText(body.path("error").asText(""));
        String what = built.method() + " " + built.uri().getPath() + " answered " + status + (message.isEmpty() ? "" : ": " + message);
        if (status == 429 || status >= 500) {
            throw new IOException(what);
        }
        throw new OutboundGuard.Refused(status == 401 || status == 403 ? what + " (check the cluster's token)" : what);
    }

    private JsonNode parse(String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            return mapper.createObjectNode().put("message", text.length() > 200 ? text.substring(0, 200) : text);
        }
    }
}

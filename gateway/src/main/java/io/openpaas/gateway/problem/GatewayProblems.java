package io.openpaas.gateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 9457 answers the gateway itself gives (401, 404, 413, 502, 504). The type URIs are the
 * same catalogue the services use (common's {@code ProblemType}).
 */
public final class GatewayProblems {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GatewayProblems() {
    }

    public static void send(HttpServerResponse response, int status, String slug, String title, String detail) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://openpaas.dev/problems/" + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        try {
            response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                    .end(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            response.setStatusCode(status).end();
        }
    }
}

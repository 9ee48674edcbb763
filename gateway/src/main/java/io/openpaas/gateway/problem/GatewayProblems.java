package io.openpaas.gateway.problem;

import io.openpaas.common.problem.Problem;
import io.openpaas.common.problem.ProblemType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;

/**
 * RFC 9457 answers the gateway itself gives (401, 404, 413, 429, 502, 503, 504), from the same
 * catalogue the services use (common-core's {@link ProblemType}).
 */
public final class GatewayProblems {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GatewayProblems() {
    }

    /** Answers the problem of {@code type} (its status, URI and title, as the services give them) with {@code detail}. */
    public static void send(HttpServerResponse response, ProblemType type, String detail) {
        if (response.ended() || response.closed()) {
            return; // the client has gone, or an answer was sent already: nothing to write to
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        try {
            response.setStatusCode(type.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(MAPPER.writeValueAsString(type.problem(detail)));
        } catch (JsonProcessingException e) {
            response.setStatusCode(type.status()).end();
        }
    }
}

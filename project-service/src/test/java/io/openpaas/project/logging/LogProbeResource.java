package io.openpaas.project.logging;

import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Test-only route that writes one log line while serving a request, as any resource may. A plain
 * Vert.x route, so that it is not part of the API (nor of its OpenAPI document and role matrix).
 */
@ApplicationScoped
public class LogProbeResource {

    void install(@Observes Router router) {
        router.get("/test/log-probe").handler(rc -> {
            Log.info("log probe");
            rc.response().setStatusCode(204).end();
        });
    }
}

package io.openpaas.project.logging;

import io.quarkus.logging.Log;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** Test-only endpoint: writes one log line while serving a request, as any resource may. */
@Path("/test/log-probe")
public class LogProbeResource {

    @GET
    public Response probe() {
        Log.info("log probe");
        return Response.noContent().build();
    }
}

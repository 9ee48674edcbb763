package io.openpaas.build.builds.api;

import io.openpaas.build.builds.service.BuildRequests;
import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/services/{serviceId}/builds")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "builds")
public class ServiceBuildsResource {

    private final BuildRequests builds;
    private final CallerContext caller;

    public ServiceBuildsResource(BuildRequests builds, CallerContext caller) {
        this.builds = builds;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Build the service (developers): its branch, another branch or one commit; 202 with the queued build")
    public Uni<Response> build(@PathParam("serviceId") UUID serviceId, @Valid BuildRequest request,
            @HeaderParam(Idempotency.HEADER) String idempotencyKey) {
        return builds.request(caller.requireUser(), serviceId, request, idempotencyKey)
                .map(outcome -> Created.accepted(outcome.value().statusUrl(), outcome));
    }

    @GET
    @Operation(summary = "The service's builds, newest first")
    public Uni<Page<BuildView>> list(@PathParam("serviceId") UUID serviceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return builds.list(caller.requireUser(), serviceId, Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }
}

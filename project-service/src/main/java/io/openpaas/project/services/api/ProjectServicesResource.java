package io.openpaas.project.services.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.project.services.service.ServiceSpecService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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

@Path("/api/v1/projects/{projectId}/services")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "services")
public class ProjectServicesResource {

    private final ServiceSpecService service;
    private final CallerContext caller;

    public ProjectServicesResource(ServiceSpecService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Create a service in a project (developers)")
    public Uni<Response> create(@PathParam("projectId") UUID projectId, @Valid @NotNull CreateServiceRequest request,
            @HeaderParam(Idempotency.HEADER) String idempotencyKey) {
        return service.create(caller.requireUser(), projectId, request, idempotencyKey)
                .map(outcome -> Created.response("/api/v1/services/" + outcome.value().id(), outcome.value().version(), outcome));
    }

    @GET
    @Operation(summary = "List a project's services, oldest first")
    public Uni<Page<ServiceView>> list(@PathParam("projectId") UUID projectId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return service.list(caller.requireUser(), projectId, Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }
}

package io.openpaas.project.services.api;

import io.openpaas.common.api.ETags;
import io.openpaas.common.security.CallerContext;
import io.openpaas.project.services.service.ServiceSpecService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/services/{id}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "services")
public class ServiceResource {

    private final ServiceSpecService service;
    private final CallerContext caller;

    public ServiceResource(ServiceSpecService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Read one service")
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(caller.requireUser(), id).map(view -> Response.ok(view).tag(ETags.of(view.version())).build());
    }

    @PATCH
    @Operation(summary = "Change a service (developers)")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull UpdateServiceRequest patch,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.update(caller.requireUser(), id, patch, ifMatch)
                .map(view -> Response.ok(view).tag(ETags.of(view.version())).build());
    }

    @DELETE
    @Operation(summary = "Delete a service (developers)")
    public Uni<Response> delete(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.delete(caller.requireUser(), id, ifMatch).map(v -> Response.noContent().build());
    }
}

package io.openpaas.project.projects.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.ETags;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.project.projects.service.ProjectService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/projects")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "projects")
public class ProjectResource {

    private final ProjectService service;
    private final CallerContext caller;

    public ProjectResource(ProjectService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Create a project; the caller becomes its owner")
    public Uni<Response> create(@Valid @NotNull CreateProjectRequest request, @HeaderParam(Idempotency.HEADER) String idempotencyKey) {
        return service.create(caller.requireUser(), request, idempotencyKey)
                .map(outcome -> Created.response("/api/v1/projects/" + outcome.value().id(), outcome.value().version(), outcome));
    }

    @GET
    @Operation(summary = "List the projects the caller can see, oldest first")
    public Uni<Page<ProjectView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.requireUser(), Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read one project")
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(caller.requireUser(), id).map(view -> Response.ok(view).tag(ETags.of(view.version())).build());
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a project's name, slug or description (owners)")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull UpdateProjectRequest patch,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.update(caller.requireUser(), id, patch, ifMatch)
                .map(view -> Response.ok(view).tag(ETags.of(view.version())).build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a project and its services (owners)")
    public Uni<Response> delete(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.delete(caller.requireUser(), id, ifMatch).map(v -> Response.noContent().build());
    }
}

package io.openpaas.project.users.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.common.security.Roles;
import io.openpaas.project.users.service.UserService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

/** Platform users. Only admins create, list and delete them; anyone reads themselves. */
@Path("/api/v1/users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "users")
public class UserResource {

    private final UserService service;
    private final CallerContext caller;

    public UserResource(UserService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a user and their first API token (shown once)")
    public Uni<Response> create(@Valid @NotNull CreateUserRequest request) {
        return service.create(request).map(view -> Created.secret("/api/v1/users/" + view.id(), view));
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "List users, oldest first")
    public Uni<Page<UserView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }

    @GET
    @Path("/me")
    @Operation(summary = "The calling user")
    public Uni<UserView> me() {
        return service.get(UUID.fromString(caller.requireUser().userId()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a user: their tokens stop working and they leave every project")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.requireUser(), id).map(v -> Response.noContent().build());
    }
}

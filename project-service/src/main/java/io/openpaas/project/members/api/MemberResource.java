package io.openpaas.project.members.api;

import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.project.members.service.MemberService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/projects/{id}/members")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "members")
public class MemberResource {

    private final MemberService service;
    private final CallerContext caller;

    public MemberResource(MemberService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Add a user to the project with a role (owners)")
    public Uni<Response> add(@PathParam("id") UUID projectId, @Valid @NotNull AddMemberRequest request) {
        return service.add(caller.requireUser(), projectId, request)
                .map(view -> Response.created(URI.create("/api/v1/projects/" + projectId + "/members/" + view.userId())).entity(view).build());
    }

    @GET
    @Operation(summary = "List the project's members")
    public Uni<Page<MemberView>> list(@PathParam("id") UUID projectId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return service.list(caller.requireUser(), projectId, Cursors.decode(cursor), Cursors.limit(limit));
    }

    @PATCH
    @Path("/{user}")
    @Operation(summary = "Change a member's role (owners); the last owner cannot be demoted")
    public Uni<MemberView> changeRole(@PathParam("id") UUID projectId, @PathParam("user") String userId,
            @Valid @NotNull ChangeRoleRequest request) {
        return service.changeRole(caller.requireUser(), projectId, userId, request.role());
    }

    @DELETE
    @Path("/{user}")
    @Operation(summary = "Remove a member (owners; anyone may leave); the last owner cannot be removed")
    public Uni<Response> remove(@PathParam("id") UUID projectId, @PathParam("user") String userId) {
        return service.remove(caller.requireUser(), projectId, userId).map(v -> Response.noContent().build());
    }
}

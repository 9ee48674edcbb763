package io.openpaas.secrets.groups.api;

import io.openpaas.common.api.ETags;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.secrets.groups.service.SecretGroupService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/projects/{projectId}/secrets")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "secrets")
public class SecretGroupResource {

    private final SecretGroupService groups;
    private final CallerContext caller;

    public SecretGroupResource(SecretGroupService groups, CallerContext caller) {
        this.groups = groups;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The project's secret groups: names, keys, versions and linked services, never values (viewers)")
    public Uni<Page<SecretGroupView>> list(@PathParam("projectId") UUID projectId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return groups.list(caller.requireUser(), projectId, limit, cursor);
    }

    @PUT
    @Path("/{group}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a secret group as a new version, and the services that get its keys as environment "
            + "variables (developers); If-Match guards concurrent edits")
    public Uni<Response> put(@PathParam("projectId") UUID projectId, @PathParam("group") String group,
            @HeaderParam("If-Match") String ifMatch, @Valid @NotNull SecretGroupRequest request, @jakarta.ws.rs.core.Context UriInfo uri) {
        return groups.put(caller.requireUser(), projectId, group, request, ifMatch).map(written -> (written.created()
                ? Response.created(uri.getAbsolutePath()) : Response.ok()).entity(written.view()).tag(ETags.of(written.view().version())).build());
    }

    @PATCH
    @Path("/{group}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set keys (\"KEY\": \"value\"), unset them (\"KEY\": null) or relink services, as a new version (developers)")
    public Uni<Response> patch(@PathParam("projectId") UUID projectId, @PathParam("group") String group,
            @HeaderParam("If-Match") String ifMatch, @Valid @NotNull SecretGroupPatch patch) {
        return groups.patch(caller.requireUser(), projectId, group, patch, ifMatch)
                .map(view -> Response.ok(view).tag(ETags.of(view.version())).build());
    }

    @GET
    @Path("/{group}")
    @Operation(summary = "A secret group's keys, version and links (viewers); with reveal=true also its values (owners; audited), "
            + "of the current version or of ?version=")
    public Uni<Response> get(@PathParam("projectId") UUID projectId, @PathParam("group") String group,
            @QueryParam("reveal") boolean reveal, @QueryParam("version") Integer version) {
        // an earlier version's values carry no ETag: only the current version is a precondition for a write
        return groups.get(caller.requireUser(), projectId, group, reveal, version)
                .map(view -> version == null ? Response.ok(view).tag(ETags.of(view.version())).build() : Response.ok(view).build());
    }

    @GET
    @Path("/{group}/versions")
    @Operation(summary = "The versions of a secret group, newest first: number, keys, who and when (viewers)")
    public Uni<Page<SecretVersionView>> versions(@PathParam("projectId") UUID projectId, @PathParam("group") String group,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return groups.versions(caller.requireUser(), projectId, group, limit, cursor);
    }

    @DELETE
    @Path("/{group}")
    @Operation(summary = "Delete a secret group and its values (owners); linked services roll without its keys")
    public Uni<Void> delete(@PathParam("projectId") UUID projectId, @PathParam("group") String group, @HeaderParam("If-Match") String ifMatch) {
        return groups.delete(caller.requireUser(), projectId, group, ifMatch);
    }
}

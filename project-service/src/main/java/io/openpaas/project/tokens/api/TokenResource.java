package io.openpaas.project.tokens.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.project.tokens.service.ApiTokenService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
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

/**
 * The caller's own API tokens. Creating one is not idempotent by key on purpose: replaying the
 * answer would mean storing the secret.
 */
@Path("/api/v1/tokens")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tokens")
public class TokenResource {

    private final ApiTokenService service;
    private final CallerContext caller;

    public TokenResource(ApiTokenService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Create an API token for the caller (the secret is shown once)")
    public Uni<Response> create(@Valid @NotNull CreateTokenRequest request) {
        return service.create(caller.requireUser(), request).map(view -> Created.secret("/api/v1/tokens/" + view.id(), view));
    }

    @GET
    @Operation(summary = "List the caller's API tokens (prefixes, never secrets)")
    public Uni<Page<TokenView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return service.list(caller.requireUser(), Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke one of the caller's API tokens; it can no longer be exchanged")
    public Uni<Response> revoke(@PathParam("id") UUID id) {
        return service.revoke(caller.requireUser(), id).map(v -> Response.noContent().build());
    }
}

package io.openpaas.project.auth.api;

import io.openpaas.common.security.Roles;
import io.openpaas.project.auth.service.KeyRotationService;
import io.openpaas.project.auth.service.SigningKeys;
import io.openpaas.project.auth.service.TokenService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.Map;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/")
@PermitAll
@Tag(name = "auth")
public class AuthResource {

    private final TokenService tokens;
    private final SigningKeys keys;
    private final KeyRotationService rotation;

    public AuthResource(TokenService tokens, SigningKeys keys, KeyRotationService rotation) {
        this.tokens = tokens;
        this.keys = keys;
        this.rotation = rotation;
    }

    @POST
    @Path("api/v1/auth/keys/rotate")
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign new tokens with a new key; tokens of the previous key stay valid until they expire (admins)")
    public Uni<Map<String, String>> rotate() {
        return rotation.rotate();
    }

    @POST
    @Path("api/v1/auth/token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange an API token for a short-lived access token (JWT)")
    public Uni<Response> token(@Valid @NotNull TokenExchangeRequest request) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return tokens.exchange(request.apiToken()).map(t -> Response.ok(t).cacheControl(noStore).build());
    }

    @GET
    @Path(".well-known/jwks.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Public keys that verify access tokens")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(keys.jwks()).cacheControl(cache).build();
    }
}

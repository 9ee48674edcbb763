package io.openpaas.build.credentials.api;

import io.openpaas.build.credentials.CredentialService;
import io.openpaas.build.credentials.GitCredentials;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/services/{serviceId}/git-credential")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "builds")
public class GitCredentialResource {

    private final CredentialService credentials;
    private final CallerContext caller;

    public GitCredentialResource(CredentialService credentials, CallerContext caller) {
        this.credentials = credentials;
        this.caller = caller;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the service's Git credential for a private repository (developers); write-only, stored encrypted")
    public Uni<GitCredentials.CredentialView> put(@PathParam("serviceId") UUID serviceId, @Valid @NotNull GitCredentialRequest request) {
        return credentials.put(caller.requireUser(), serviceId, request);
    }

    @GET
    @Operation(summary = "Whether the service has a Git credential: its kind, user name and when it was set, never the secret")
    public Uni<GitCredentials.CredentialView> get(@PathParam("serviceId") UUID serviceId) {
        return credentials.describe(caller.requireUser(), serviceId);
    }

    @DELETE
    @Operation(summary = "Remove the service's Git credential (developers)")
    public Uni<Void> delete(@PathParam("serviceId") UUID serviceId) {
        return credentials.delete(caller.requireUser(), serviceId);
    }
}

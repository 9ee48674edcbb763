package io.openpaas.build.webhooks.api;

import io.openpaas.build.webhooks.WebhookService;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Where Git hosts deliver pushes: no token, the delivery's signature is the proof (docs/builds.md). */
@Path("/api/v1/webhooks/git/{serviceId}")
@PermitAll
@Tag(name = "builds")
public class GitWebhookResource {

    private final WebhookService webhooks;
    private final CurrentIdentityAssociation identity;

    public GitWebhookResource(WebhookService webhooks, CurrentIdentityAssociation identity) {
        this.webhooks = webhooks;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A push delivery from GitHub, GitLab or Gitea/Forgejo, signed with the service's webhook secret: "
            + "202 with the queued build when it pushes the service's branch, 200 when ignored or already received")
    public Uni<Response> deliver(@PathParam("serviceId") UUID serviceId, @Context HttpHeaders headers, byte[] body) {
        // authentication is lazy and this path needs none: settle the (anonymous) identity first,
        // so that recording events, which asks who acts, does not block the event loop
        return identity.getDeferredIdentity().chain(who -> webhooks.deliver(serviceId, headers, body == null ? new byte[0] : body))
                .map(delivery -> Response.status("queued".equals(delivery.status()) ? 202 : 200).entity(delivery).build());
    }
}

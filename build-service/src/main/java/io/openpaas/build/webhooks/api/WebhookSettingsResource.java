package io.openpaas.build.webhooks.api;

import io.openpaas.build.webhooks.WebhookService;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/services/{serviceId}/webhook")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "builds")
public class WebhookSettingsResource {

    private final WebhookService webhooks;
    private final CallerContext caller;

    public WebhookSettingsResource(WebhookService webhooks, CallerContext caller) {
        this.webhooks = webhooks;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The service's push webhook URL and secret, for GitHub, GitLab or Gitea (owners); made on first read")
    public Uni<Response> get(@PathParam("serviceId") UUID serviceId, @Context UriInfo uri) {
        return webhooks.read(caller.requireUser(), serviceId).map(view -> answer(view, uri));
    }

    @POST
    @Path("/rotate")
    @Operation(summary = "Replace the service's webhook secret (owners); the old one stops working at once")
    public Uni<Response> rotate(@PathParam("serviceId") UUID serviceId, @Context UriInfo uri) {
        return webhooks.rotate(caller.requireUser(), serviceId).map(view -> answer(view, uri));
    }

    /** The absolute URL the Git host calls (the gateway's, as the client reached it); never cached. */
    private static Response answer(WebhookService.WebhookView view, UriInfo uri) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        String base = uri.getBaseUri().toString().replaceAll("/+$", "");
        return Response.ok(new WebhookService.WebhookView(base + view.url(), view.secret(), view.createdAt())).cacheControl(noStore).build();
    }
}

package io.openpaas.deploy.clusters.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.security.CallerContext;
import io.openpaas.deploy.clusters.service.ClusterRegistry;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/clusters")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "clusters")
public class ClusterResource {

    private final ClusterRegistry clusters;
    private final CallerContext caller;

    public ClusterResource(ClusterRegistry clusters, CallerContext caller) {
        this.clusters = clusters;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The clusters projects may deploy to ('local' first), and the clusters each registered Rancher knows")
    public Uni<ClusterList> list() {
        return clusters.list(caller.requireUser());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a cluster (admins): kubernetes, gitops, argocd or rancher; credentials are write-only")
    public Uni<Response> register(@Valid @NotNull RegisterClusterRequest request) {
        return clusters.register(caller.requireUser(), request)
                .map(view -> Created.response("/api/v1/clusters/" + view.id(), 0, new Idempotency.Outcome<>(view, false)));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One cluster, with whether it answers now")
    public Uni<ClusterView> get(@PathParam("id") UUID id) {
        return clusters.get(caller.requireUser(), id);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a cluster no project names (admins)")
    public Uni<Response> remove(@PathParam("id") UUID id) {
        return clusters.remove(caller.requireUser(), id).replaceWith(Response.noContent().build());
    }
}

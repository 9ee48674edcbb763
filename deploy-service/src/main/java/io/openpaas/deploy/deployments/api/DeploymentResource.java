package io.openpaas.deploy.deployments.api;

import io.openpaas.common.security.CallerContext;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/deployments/{id}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "deployments")
public class DeploymentResource {

    private final DeploymentRequests deployments;
    private final io.openpaas.deploy.deployments.service.DeploymentManifests manifests;
    private final CallerContext caller;

    public DeploymentResource(DeploymentRequests deployments, io.openpaas.deploy.deployments.service.DeploymentManifests manifests,
            CallerContext caller) {
        this.deployments = deployments;
        this.manifests = manifests;
        this.caller = caller;
    }

    @GET
    @Path("/manifests")
    @Produces("application/yaml")
    @Operation(summary = "The Kubernetes objects of the deployment as its cluster's target renders them (one YAML stream)")
    public Uni<String> manifests(@PathParam("id") UUID id) {
        return manifests.yaml(caller.requireUser(), id);
    }

    @GET
    @Operation(summary = "One deployment: state, image, replicas, URL, reason")
    public Uni<DeploymentView> get(@PathParam("id") UUID id) {
        return deployments.get(caller.requireUser(), id);
    }

    @POST
    @Path("/cancel")
    @Operation(summary = "Cancel a deployment still in flight (developers)")
    public Uni<DeploymentView> cancel(@PathParam("id") UUID id) {
        return deployments.cancel(caller.requireUser(), id);
    }
}

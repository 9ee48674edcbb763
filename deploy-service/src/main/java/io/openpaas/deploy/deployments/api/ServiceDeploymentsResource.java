package io.openpaas.deploy.deployments.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.security.CallerContext;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

@Path("/api/v1/services/{serviceId}/deployments")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "deployments")
public class ServiceDeploymentsResource {

    private final DeploymentRequests deployments;
    private final CallerContext caller;

    public ServiceDeploymentsResource(DeploymentRequests deployments, CallerContext caller) {
        this.deployments = deployments;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy a successful build of the service or an image (developers); 202 with the pending deployment")
    public Uni<Response> deploy(@PathParam("serviceId") UUID serviceId, @Valid DeploymentRequest request,
            @HeaderParam(Idempotency.HEADER) String idempotencyKey) {
        return deployments.request(caller.requireUser(), serviceId, request, idempotencyKey)
                .map(outcome -> Created.accepted(outcome.value().statusUrl(), outcome));
    }

    @GET
    @Operation(summary = "The service's deployments, newest first")
    public Uni<Page<DeploymentView>> list(@PathParam("serviceId") UUID serviceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        return deployments.list(caller.requireUser(), serviceId, Cursors.decodeUuid(cursor), Cursors.limit(limit));
    }
}

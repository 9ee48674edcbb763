package io.openpaas.deploy.deployments.api;

import io.openpaas.common.api.Created;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.security.CallerContext;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.openpaas.common.persistence.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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

/** Scale, restart, roll back and read the status of a service: each change is a deployment like any other (202). */
@Path("/api/v1/services/{serviceId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "deployments")
public class ServiceOperationsResource {

    private final DeploymentRequests deployments;
    private final io.openpaas.deploy.rollout.DeployTargets targets;
    private final CallerContext caller;

    public ServiceOperationsResource(DeploymentRequests deployments, io.openpaas.deploy.rollout.DeployTargets targets, CallerContext caller) {
        this.deployments = deployments;
        this.targets = targets;
        this.caller = caller;
    }

    @POST
    @Path("/scale")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run N replicas of the current image (developers); 0 stops the service")
    public Uni<Response> scale(@PathParam("serviceId") UUID serviceId, @Valid @NotNull ScaleRequest request) {
        return deployments.scale(caller.requireUser(), serviceId, request.replicas()).map(ServiceOperationsResource::accepted);
    }

    @POST
    @Path("/restart")
    @Operation(summary = "Replace every replica with a fresh one of the same image (developers)")
    public Uni<Response> restart(@PathParam("serviceId") UUID serviceId) {
        return deployments.restart(caller.requireUser(), serviceId).map(ServiceOperationsResource::accepted);
    }

    @POST
    @Path("/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy an earlier deployment's image again: the one given, or the one before the current (developers)")
    public Uni<Response> rollback(@PathParam("serviceId") UUID serviceId, @Valid RollbackRequest request) {
        return deployments.rollback(caller.requireUser(), serviceId, request == null ? null : request.deploymentId())
                .map(ServiceOperationsResource::accepted);
    }

    @GET
    @Path("/status")
    @Operation(summary = "Desired and ready replicas, the image, the current and last deployments, the URLs")
    public Uni<ServiceStatus> status(@PathParam("serviceId") UUID serviceId) {
        var who = caller.requireUser();
        // asking the target blocks (the container engine)
        Uni<java.util.List<io.openpaas.deploy.targets.Replica>> replicas = targets.forService(serviceId).chain(target -> Blocking
                .offEventLoop(() -> target.observe(serviceId))
                .onFailure().transform(e -> new io.openpaas.common.problem.ProblemException(io.openpaas.common.problem.ProblemType.UNAVAILABLE,
                        "the " + target.name() + " target cannot be reached to count the running replicas; try again")));
        return replicas.chain(observed -> deployments.status(who, serviceId, observed));
    }

    private static Response accepted(DeploymentView view) {
        return Created.accepted(view.statusUrl(), new Idempotency.Outcome<>(view, false));
    }
}

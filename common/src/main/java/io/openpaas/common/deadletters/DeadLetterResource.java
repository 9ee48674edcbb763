package io.openpaas.common.deadletters;

import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Admins list, replay and discard the events this service's consumers parked. Every service
 * has it under {@code /api/v1/admin/dead-letters/<its short name>} so the gateway can route it.
 */
@Path("/api/v1/admin/dead-letters/{service}")
@RolesAllowed(Roles.ADMIN)
@Blocking
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "dead letters")
public class DeadLetterResource {

    private final DeadLetterService service;
    private final String shortName;

    public DeadLetterResource(DeadLetterService service, @ConfigProperty(name = "quarkus.application.name") String appName) {
        this.service = service;
        this.shortName = appName.replaceFirst("-service$", "");
    }

    @GET
    @Operation(summary = "This service's dead letters, oldest first (admins)")
    public Page<DeadLetterView> list(@PathParam("service") String name, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        mine(name);
        Long after = cursor == null ? null : Cursors.decodeLong(cursor);
        return service.list(after == null ? 0 : after, Cursors.limit(limit));
    }

    @POST
    @Path("/{seq}/replay")
    @Operation(summary = "Apply a dead letter through its consumer again; removed once applied (admins)")
    public DeadLetterService.Replayed replay(@PathParam("service") String name, @PathParam("seq") long seq) {
        mine(name);
        return service.replay(seq);
    }

    @DELETE
    @Path("/{seq}")
    @Operation(summary = "Discard a dead letter for good (admins)")
    public void discard(@PathParam("service") String name, @PathParam("seq") long seq) {
        mine(name);
        service.discard(seq);
    }

    private void mine(String name) {
        if (!shortName.equals(name)) {
            throw ProblemException.notFound("service", name);
        }
    }
}

package io.openpaas.deploy.deployments.api;

import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.CallerContext;
import io.openpaas.common.security.Roles;
import io.openpaas.deploy.sources.ServiceRuntimes;
import io.openpaas.deploy.targets.DeployTarget;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The running replicas' output as Server-Sent Events (members). */
@Path("/api/v1/services/{serviceId}/logs")
@Authenticated
@Tag(name = "deployments")
public class ServiceLogsResource {

    private final ServiceRuntimes services;
    private final ProjectAuthorizer authorizer;
    private final io.openpaas.deploy.rollout.DeployTargets targets;
    private final CallerContext caller;

    public ServiceLogsResource(ServiceRuntimes services, ProjectAuthorizer authorizer, io.openpaas.deploy.rollout.DeployTargets targets, CallerContext caller) {
        this.services = services;
        this.authorizer = authorizer;
        this.targets = targets;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The running replicas' output: the last ?tail= lines (100) since ?since= (ISO instant), then new ones while "
            + "?follow=true (the default); each line names its replica")
    public Multi<OutboundSseEvent> logs(@PathParam("serviceId") UUID serviceId, @QueryParam("tail") Integer tail,
            @QueryParam("since") String since, @QueryParam("follow") Boolean follow, @Context Sse sse) {
        int lines = tail == null ? 100 : tail;
        if (lines < 0 || lines > 10_000) {
            throw ProblemException.invalidField("tail", "must be between 0 and 10000");
        }
        Instant from = parse(since);
        boolean following = follow == null || follow;
        var who = caller.requireUser();
        // the caller was authorized by LogsAccessFilter already, so a refusal never meets a started stream
        return services.require(serviceId).call(service -> authorizer.require(who, service.projectId(), Roles.VIEWER))
                .chain(service -> targets.forService(serviceId)).toMulti()
                .flatMap(target -> Multi.createFrom().<String>emitter(emitter -> {
                    CountDownLatch stop = new CountDownLatch(1);
                    emitter.onTermination(stop::countDown);
                    Infrastructure.getDefaultWorkerPool().execute(() -> {
                        try {
                            target.logs(serviceId, lines, from, following, emitter::emit, stop);
                            emitter.complete();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            emitter.complete();
                        } catch (RuntimeException e) {
                            emitter.fail(new ProblemException(io.openpaas.common.problem.ProblemType.UNAVAILABLE,
                                    "the " + target.name() + " target cannot be reached for logs; try again"));
                        }
                    });
                }))
                .map(line -> sse.newEventBuilder().name("log").data(line).build());
    }

    private static Instant parse(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField("since", "must be an ISO-8601 instant, e.g. 2026-11-27T10:00:00Z");
        }
    }
}

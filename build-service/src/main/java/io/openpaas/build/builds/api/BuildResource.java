package io.openpaas.build.builds.api;

import io.openpaas.build.builds.service.BuildRequests;
import io.openpaas.build.logs.BuildLogs;
import io.openpaas.build.logs.LogLine;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/builds/{id}")
@Authenticated
@Tag(name = "builds")
public class BuildResource {

    private final BuildRequests builds;
    private final BuildLogs logs;
    private final CallerContext caller;

    public BuildResource(BuildRequests builds, BuildLogs logs, CallerContext caller) {
        this.builds = builds;
        this.logs = logs;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One build: state, commit, image by digest, reason")
    public Uni<BuildView> get(@PathParam("id") UUID id) {
        return builds.get(caller.requireUser(), id);
    }

    @POST
    @Path("/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a build that has not ended (developers); its processes are stopped")
    public Uni<BuildView> cancel(@PathParam("id") UUID id) {
        return builds.cancel(caller.requireUser(), id);
    }

    @GET
    @Path("/logs")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The build's log as Server-Sent Events: stored lines after Last-Event-ID, then new ones until the build "
            + "ends (an 'end' event names the final state); ?follow=false for the stored log as plain text")
    public Multi<OutboundSseEvent> stream(@PathParam("id") UUID id, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        int after = resumeFrom(lastEventId);
        var who = caller.requireUser();
        return builds.readable(who, id).toMulti()
                .flatMap(build -> logs.follow(id, after)
                        .map(line -> sse.newEventBuilder().id(Integer.toString(line.seq())).name("log").data(line.line()).build())
                        .onCompletion().switchTo(() -> builds.readable(who, id)
                                .map(done -> sse.newEventBuilder().name("end").data(done.state.name()).build()).toMulti()));
    }

    @GET
    @Path("/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The build's stored log as plain text (GET .../logs?follow=false)")
    public Uni<String> text(@PathParam("id") UUID id) {
        return builds.readable(caller.requireUser(), id)
                .chain(build -> logs.all(id))
                .map(lines -> lines.stream().map(LogLine::line).collect(Collectors.joining("\n", "", lines.isEmpty() ? "" : "\n")));
    }

    private static int resumeFrom(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(lastEventId.strip()));
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("Last-Event-ID", "must be the id of a log event (a number)");
        }
    }
}

package io.openpaas.build.builds.api;

import io.openpaas.build.builds.service.BuildRequests;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Once a Server-Sent Events answer has started, its status cannot change: access to a build's
 * logs is decided before the resource method runs, so a refusal (404) is a plain problem answer.
 */
public class LogsAccessFilter {

    private final BuildRequests builds;
    private final CallerContext caller;
    private final CurrentIdentityAssociation identity;

    public LogsAccessFilter(BuildRequests builds, CallerContext caller, CurrentIdentityAssociation identity) {
        this.builds = builds;
        this.caller = caller;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Void> authorize(ContainerRequestContext request) {
        var path = request.getUriInfo().getPathSegments();
        if (path.size() != 5 || !request.getUriInfo().getPath().startsWith("/api/v1/builds/") || !"logs".equals(path.get(4).getPath())) {
            return Uni.createFrom().voidItem();
        }
        UUID buildId;
        try {
            buildId = UUID.fromString(path.get(3).getPath());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem(); // not a build id: the resource answers it
        }
        return identity.getDeferredIdentity().chain(who -> who.isAnonymous() ? Uni.createFrom().voidItem()
                : builds.readable(caller.requireUser(), buildId).replaceWithVoid());
    }
}

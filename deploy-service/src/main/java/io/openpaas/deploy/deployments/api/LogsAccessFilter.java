package io.openpaas.deploy.deployments.api;

import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.security.CallerContext;
import io.openpaas.common.security.Roles;
import io.openpaas.deploy.sources.ServiceRuntimes;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Once a Server-Sent Events answer has started, its status cannot change: access to a service's
 * logs is decided before the resource method runs, so a refusal (404, 403) is a plain problem answer.
 */
public class LogsAccessFilter {

    private final ServiceRuntimes services;
    private final ProjectAuthorizer authorizer;
    private final CallerContext caller;
    private final CurrentIdentityAssociation identity;

    public LogsAccessFilter(ServiceRuntimes services, ProjectAuthorizer authorizer, CallerContext caller, CurrentIdentityAssociation identity) {
        this.services = services;
        this.authorizer = authorizer;
        this.caller = caller;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Void> authorize(ContainerRequestContext request) {
        var path = request.getUriInfo().getPathSegments();
        if (path.size() != 5 || !request.getUriInfo().getPath().startsWith("/api/v1/services/") || !"logs".equals(path.get(4).getPath())) {
            return Uni.createFrom().voidItem();
        }
        UUID serviceId;
        try {
            serviceId = UUID.fromString(path.get(3).getPath());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem(); // not a service id: the resource answers it
        }
        return identity.getDeferredIdentity().chain(who -> who.isAnonymous() ? Uni.createFrom().voidItem()
                : services.require(serviceId).call(service -> authorizer.require(caller.requireUser(), service.projectId(), Roles.VIEWER))
                        .replaceWithVoid());
    }
}

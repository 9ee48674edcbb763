package io.openpaas.build.builds.api;

import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * {@code GET /api/v1/builds/{id}/logs?follow=false} asks for the stored log as plain text: this
 * turns the query parameter into the Accept header that selects that representation.
 */
public class FollowParameter {

    @ServerRequestFilter(preMatching = true)
    public void plainTextWhenNotFollowing(ResteasyReactiveContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/api/v1/builds/") && path.endsWith("/logs")
                && "false".equalsIgnoreCase(request.getUriInfo().getQueryParameters().getFirst("follow"))) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "text/plain");
        }
    }
}

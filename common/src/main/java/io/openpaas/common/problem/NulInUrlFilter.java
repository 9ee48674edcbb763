package io.openpaas.common.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a path or query holding an encoded NUL ({@code %00}) before any resource sees it:
 * no id, cursor or filter can contain it, and PostgreSQL could not compare text with it.
 */
public class NulInUrlFilter {

    @ServerRequestFilter(preMatching = true)
    public Response refuseNul(ContainerRequestContext request) {
        String raw = request.getUriInfo().getRequestUri().getRawPath() + "?" + request.getUriInfo().getRequestUri().getRawQuery();
        if (raw.toLowerCase(Locale.ROOT).contains("%00")) {
            return ProblemMappers.respond(ProblemType.BAD_REQUEST.problem("the path or query holds the NUL character (%00), which no value may contain"));
        }
        return null;
    }
}

package io.openpaas.common.api;

import jakarta.ws.rs.core.Response;
import java.net.URI;

/** The 201 answer of a creating POST: Location, ETag, body, and whether it was an idempotent replay. */
public final class Created {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private Created() {
    }

    public static Response response(String location, long version, Idempotency.Outcome<?> outcome) {
        Response.ResponseBuilder response = Response.created(URI.create(location)).tag(ETags.of(version)).entity(outcome.value());
        if (outcome.replayed()) {
            response.header(REPLAYED_HEADER, "true");
        }
        return response.build();
    }

    /** The 202 answer of a POST that starts a long operation: the resource, and its status URL as Location. */
    public static Response accepted(String statusUrl, Idempotency.Outcome<?> outcome) {
        Response.ResponseBuilder response = Response.accepted(outcome.value()).location(URI.create(statusUrl));
        if (outcome.replayed()) {
            response.header(REPLAYED_HEADER, "true");
        }
        return response.build();
    }

    /** A 201 whose body holds a secret shown once (a new API token): no cache may keep it. */
    public static Response secret(String location, Object entity) {
        jakarta.ws.rs.core.CacheControl noStore = new jakarta.ws.rs.core.CacheControl();
        noStore.setNoStore(true);
        return Response.created(URI.create(location)).entity(entity).cacheControl(noStore).build();
    }
}

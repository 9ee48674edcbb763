package io.openpaas.audit.records.api;

import io.openpaas.audit.records.service.AuditService;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditResource {

    private final AuditService service;
    private final CallerContext caller;

    public AuditResource(AuditService service, CallerContext caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The audit trail, newest first, filtered")
    public Uni<Page<AuditRecordView>> list(@QueryParam("project") String project, @QueryParam("actor") String actor,
            @QueryParam("type") String type, @QueryParam("resource") String resource, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        AuditFilter filter = new AuditFilter(project, actor, type, resource, instant("from", from), instant("to", to));
        return service.list(caller.requireUser(), filter, cursor, Cursors.limit(limit));
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "must be an RFC 3339 time such as 2026-11-26T21:00:00Z");
        }
    }
}

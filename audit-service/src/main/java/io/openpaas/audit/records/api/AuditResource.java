package io.openpaas.audit.records.api;

import io.openpaas.audit.records.service.AuditService;
import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.CallerContext;
import io.quarkus.security.Authenticated;
import io.openpaas.audit.chain.AuditArchiver;
import io.openpaas.audit.chain.AuditVerifier;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import io.openpaas.audit.chain.VerifyReport;
import io.openpaas.common.security.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.common.util.RestMediaType;
import jakarta.annotation.security.RolesAllowed;
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
    private final AuditVerifier verifier;
    private final AuditArchiver archiver;
    private final CallerContext caller;

    public AuditResource(AuditService service, AuditVerifier verifier, AuditArchiver archiver, CallerContext caller) {
        this.service = service;
        this.verifier = verifier;
        this.archiver = archiver;
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

    @GET
    @Path("/export")
    @Produces(RestMediaType.APPLICATION_NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every record matching the filters as NDJSON, oldest first, with their hashes (admins; owners: their projects)")
    public Multi<AuditRecordView> export(@QueryParam("project") String project, @QueryParam("actor") String actor,
            @QueryParam("type") String type, @QueryParam("resource") String resource, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        AuditFilter filter = new AuditFilter(project, actor, type, resource, instant("from", from), instant("to", to));
        return service.export(caller.requireUser(), filter);
    }

    @GET
    @Path("/verify")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Recompute the hash chain (from the start, or after a checkpoint) and report the first broken link (admins)")
    public Uni<VerifyReport> verify(@QueryParam("after_seq") Long afterSeq, @QueryParam("hash") String hash) {
        if (afterSeq != null && afterSeq > 0 && (hash == null || !hash.matches("[0-9a-f]{64}"))) {
            throw ProblemException.invalidField("hash", "give the hash of the record at after_seq (64 hex digits) to verify from a checkpoint");
        }
        return afterSeq == null ? verifier.verifyStored() : verifier.verify(afterSeq, hash);
    }

    @POST
    @Path("/archive")
    @Blocking
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Archive the records older than the configured retention now, behind a checkpoint (admins)")
    public Response archive() {
        return archiver.archive().map(checkpoint -> Response.ok(checkpoint).build()).orElseGet(() -> Response.noContent().build());
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

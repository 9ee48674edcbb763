package io.openpaas.common.members;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.DeniedRequests;
import io.openpaas.common.security.ProjectRoles;
import io.openpaas.common.security.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Decides, from the local membership projection, what a caller may do in a project (docs/contracts.md): a project the caller is not a member of answers 404 like a missing one, so ids do not
 * leak; a visible project with too weak a role answers 403. The effective role is the member's
 * role lowered to the API token's ceiling.
 */
@ApplicationScoped
public class ProjectAuthorizer {

    private final Pool pool;
    private final MembersConfig config;
    private final MembershipChanges changes;
    private final io.micrometer.core.instrument.Counter lookups;

    public ProjectAuthorizer(Pool pool, MembersConfig config, MembershipChanges changes, io.micrometer.core.instrument.MeterRegistry registry) {
        this.pool = pool;
        this.config = config;
        this.changes = changes;
        this.lookups = registry.counter("openpaas.members.projection_lookups");
    }

    /** Answers the caller's effective role in the project, or fails with 404 / 403. */
    public Uni<String> require(Caller caller, UUID projectId, String minimumRole) {
        if (caller.admin()) {
            return Uni.createFrom().item(Roles.ADMIN);
        }
        return roleOf(projectId, caller.userId()).map(role -> decide(caller, projectId, role, minimumRole, "the project"));
    }

    /**
     * The one rule every service applies to a member's role ({@code null}: not a member): the
     * role acted with is the membership's lowered to the token's ceiling; a non-member gets 404
     * (the project stays hidden), too weak a role 403, and the request is marked as denied.
     */
    public static String decide(Caller caller, UUID projectId, String heldRole, String minimumRole, String projectName) {
        if (heldRole == null) {
            DeniedRequests.mark(projectId, caller.userId(), true);
            throw ProblemException.notFound("project", projectId);
        }
        String effective = caller.effectiveRole(heldRole);
        if (!ProjectRoles.atLeast(effective, minimumRole)) {
            DeniedRequests.mark(projectId, caller.userId(), false);
            throw ProblemException.forbidden("this needs the " + minimumRole + " role in " + projectName + "; you act as " + effective);
        }
        return effective;
    }

    /** Projects in which the caller acts with at least {@code minimumRole}. */
    public Uni<List<UUID>> projectsWith(Caller caller, String minimumRole) {
        if (!caller.ceilingAllows(minimumRole)) {
            return Uni.createFrom().item(List.of());
        }
        List<String> roles = ProjectRoles.RANK.subList(ProjectRoles.RANK.indexOf(minimumRole), ProjectRoles.RANK.size());
        return pool.preparedQuery("select project_id from member_projection where user_id = $1 and role = any($2)")
                .execute(Tuple.of(caller.userId(), roles.toArray(String[]::new)))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID(0));
                    }
                    return ids;
                });
    }

    /**
     * The caller's role from the projection. When it has none, the projection may not have
     * caught up with a membership made a moment ago: the request waits (without querying) until
     * the projector commits a change of this project, then looks again, until the deadline, and
     * once more at the deadline. A non-member thus costs two queries, plus one per change of that
     * project while it waits.
     */
    private Uni<String> roleOf(UUID projectId, String userId) {
        java.util.function.Supplier<Uni<String>> lookup = () -> {
            lookups.increment();
            return pool.preparedQuery("select role from member_projection where project_id = $1 and user_id = $2")
                    .execute(Tuple.of(projectId, userId))
                    .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
        };
        return config.projectionEnabled() ? changes.lookUntilFound(projectId, config.catchUpWait(), lookup) : lookup.get();
    }
}

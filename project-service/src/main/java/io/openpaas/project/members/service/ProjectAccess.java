package io.openpaas.project.members.service;

import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.DeniedRequests;
import io.openpaas.project.members.repository.MembershipRepository;
import io.openpaas.project.projects.Project;
import io.openpaas.project.projects.repository.ProjectRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Decides what a caller may do in a project (docs/contracts.md), from project-service's own
 * memberships. A project the caller cannot see answers 404 exactly as a missing one, so ids do
 * not leak; a visible project with too weak a role answers 403. The role acted with is the
 * membership's, lowered to the API token's ceiling.
 */
@ApplicationScoped
public class ProjectAccess {

    private final ProjectRepository projects;
    private final MembershipRepository memberships;

    public ProjectAccess(ProjectRepository projects, MembershipRepository memberships) {
        this.projects = projects;
        this.memberships = memberships;
    }

    /** Loads the project if the caller acts with at least {@code role} in it. */
    public Uni<Project> require(Caller caller, UUID projectId, String role) {
        return projects.findById(projectId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("project", projectId))
                .call(project -> caller.admin() ? Uni.createFrom().voidItem() : memberships.findMembership(projectId, caller.userId())
                        .invoke(m -> ProjectAuthorizer.decide(caller, projectId, m == null ? null : m.role, role,
                                "project '" + project.slug + "'")));
    }

    /** Fails with 403 unless the caller's token allows acting with {@code role} at all. */
    public static void requireCeiling(Caller caller, String role) {
        if (!caller.ceilingAllows(role)) {
            DeniedRequests.mark(null, caller.userId(), false);
            throw ProblemException.forbidden("this API token is limited to the " + caller.ceiling() + " role; this needs " + role);
        }
    }
}

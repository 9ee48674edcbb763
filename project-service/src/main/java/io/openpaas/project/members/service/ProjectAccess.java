package io.openpaas.project.members.service;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.openpaas.project.members.repository.MembershipRepository;
import io.openpaas.project.projects.Project;
import io.openpaas.project.projects.repository.ProjectRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Decides what a caller may do in a project (DESIGN §5). A project the caller cannot see
 * answers 404 exactly as a missing one, so ids do not leak; a visible project with too weak a
 * role answers 403.
 */
@ApplicationScoped
public class ProjectAccess {

    /** Project roles from the weakest to the strongest. */
    private static final List<String> RANK = List.of(Roles.VIEWER, Roles.DEVELOPER, Roles.OWNER);

    private final ProjectRepository projects;
    private final MembershipRepository memberships;

    public ProjectAccess(ProjectRepository projects, MembershipRepository memberships) {
        this.projects = projects;
        this.memberships = memberships;
    }

    /** Loads the project if the caller holds at least {@code role} in it. */
    public Uni<Project> require(Caller caller, UUID projectId, String role) {
        return projects.findById(projectId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("project", projectId))
                .call(project -> caller.admin() ? Uni.createFrom().voidItem() : memberships.findMembership(projectId, caller.userId())
                        .invoke(m -> {
                            if (m == null) {
                                throw ProblemException.notFound("project", projectId);
                            }
                            if (RANK.indexOf(m.role) < RANK.indexOf(role)) {
                                throw ProblemException.forbidden("this needs the " + role + " role in project '" + project.slug
                                        + "'; you are " + m.role);
                            }
                        }));
    }
}

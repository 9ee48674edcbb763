package io.openpaas.project.projects.service;

import io.openpaas.common.api.ETags;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.openpaas.project.members.Membership;
import io.openpaas.project.members.repository.MembershipRepository;
import io.openpaas.project.members.service.MemberService;
import io.openpaas.project.members.service.ProjectAccess;
import io.openpaas.project.projects.Project;
import io.openpaas.project.projects.api.CreateProjectRequest;
import io.openpaas.project.projects.api.ProjectView;
import io.openpaas.project.projects.api.UpdateProjectRequest;
import io.openpaas.project.projects.mapping.ProjectMapper;
import io.openpaas.project.projects.repository.ProjectRepository;
import io.openpaas.project.services.service.ServiceSpecService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Business rules of projects: unique slugs, the creator as owner, and an event per change. */
@ApplicationScoped
public class ProjectService {

    private final ProjectRepository projects;
    private final MembershipRepository memberships;
    private final ProjectAccess access;
    private final ServiceSpecService services;
    private final MemberService members;
    private final Outbox outbox;
    private final Transactions tx;
    private final Idempotency idempotency;

    public ProjectService(ProjectRepository projects, MembershipRepository memberships, ProjectAccess access,
            ServiceSpecService services, MemberService members, Outbox outbox, Transactions tx, Idempotency idempotency) {
        this.members = members;
        this.projects = projects;
        this.memberships = memberships;
        this.access = access;
        this.services = services;
        this.outbox = outbox;
        this.tx = tx;
        this.idempotency = idempotency;
    }

    public Uni<Idempotency.Outcome<ProjectView>> create(Caller caller, CreateProjectRequest request, String idempotencyKey) {
        // the creator becomes owner: a token capped below owner may not create projects
        ProjectAccess.requireCeiling(caller, Roles.OWNER);
        return tx.write(() -> idempotency.once(idempotencyKey, caller.userId(), request, ProjectView.class,
                () -> createProject(caller, request)));
    }

    private Uni<ProjectView> createProject(Caller caller, CreateProjectRequest request) {
        String slug = request.slug() != null ? request.slug() : Slugs.fromName(request.name());
        if (slug.isEmpty()) {
            throw ProblemException.invalidField("slug", "cannot be derived from the name; give one");
        }
        return projects.slugTaken(slug, null).chain(taken -> {
            if (taken) {
                throw ProblemException.conflict("slug '" + slug + "' is already used by another project");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Project project = new Project();
            project.id = Ids.newId();
            project.name = request.name().strip();
            project.slug = slug;
            project.description = request.description();
            project.cluster = request.cluster() == null ? "local" : request.cluster();
            project.createdBy = caller.userId();
            project.createdAt = now;
            project.updatedAt = now;
            Membership owner = new Membership();
            owner.projectId = project.id;
            owner.userId = caller.userId();
            owner.role = Roles.OWNER;
            owner.createdAt = now;
            return projects.persist(project)
                    .call(() -> memberships.persist(owner))
                    .call(projects::flush)
                    .map(ProjectMapper::toView)
                    .call(view -> outbox.append(Domain.PROJECT, project.id, "created", project.id, view))
                    .call(view -> outbox.append(Domain.MEMBER, project.id, "added", owner.userId,
                            Map.of("project_id", project.id, "user_id", owner.userId, "role", owner.role)));
        });
    }

    @WithSession
    public Uni<ProjectView> get(Caller caller, UUID id) {
        return access.require(caller, id, Roles.VIEWER).map(ProjectMapper::toView);
    }

    @WithSession
    public Uni<Page<ProjectView>> list(Caller caller, UUID after, int limit) {
        Uni<java.util.List<Project>> rows = caller.admin()
                ? projects.pageAll(after, limit + 1)
                : projects.pageForMember(caller.userId(), after, limit + 1);
        return rows.map(list -> Page.of(list, limit, ProjectMapper::toView, p -> p.id));
    }

    public Uni<ProjectView> update(Caller caller, UUID id, UpdateProjectRequest patch, String ifMatch) {
        return tx.write(() -> access.require(caller, id, Roles.OWNER).chain(project -> {
            ETags.checkIfMatch(ifMatch, project.version);
            Uni<Boolean> slugCheck = patch.slug() == null ? Uni.createFrom().item(false) : projects.slugTaken(patch.slug(), id);
            return slugCheck.chain(taken -> {
                if (taken) {
                    throw ProblemException.conflict("slug '" + patch.slug() + "' is already used by another project");
                }
                if (!ProjectMapper.applyPatch(project, patch)) {
                    return Uni.createFrom().item(ProjectMapper.toView(project));
                }
                project.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                return projects.flush()
                        .map(v -> ProjectMapper.toView(project))
                        .call(view -> outbox.append(Domain.PROJECT, id, "updated", id, view));
            });
        }));
    }

    public Uni<Void> delete(Caller caller, UUID id, String ifMatch) {
        return tx.write(() -> access.require(caller, id, Roles.OWNER).chain(project -> {
            ETags.checkIfMatch(ifMatch, project.version);
            return services.deleteAllOf(project.id)
                    // owner rows first, in the order every owner change locks them, so this cannot deadlock with one
                    .call(() -> memberships.lockOwners(id))
                    .call(() -> memberships.list("projectId = ?1 order by userId", id).chain(members::removeAll))
                    .call(() -> projects.delete(project))
                    .call(() -> outbox.append(Domain.PROJECT, id, "deleted", id, Map.of("id", id, "slug", project.slug)));
        })).replaceWithVoid();
    }
}

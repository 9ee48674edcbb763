package io.openpaas.project.members.service;

import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.members.MembershipProjector;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.openpaas.project.auth.repository.UserRepository;
import io.openpaas.project.members.Membership;
import io.openpaas.project.members.api.AddMemberRequest;
import io.openpaas.project.members.api.MemberView;
import io.openpaas.project.members.repository.MembershipRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who belongs to a project and with which role. Owners manage members; any member may leave;
 * a project always keeps at least one owner. Every change is a {@code paas.member.*} event that
 * the other services project to enforce roles themselves.
 */
@ApplicationScoped
public class MemberService {

    private final MembershipRepository memberships;
    private final UserRepository users;
    private final ProjectAccess access;
    private final Outbox outbox;
    private final Transactions tx;

    public MemberService(MembershipRepository memberships, UserRepository users, ProjectAccess access, Outbox outbox, Transactions tx) {
        this.memberships = memberships;
        this.users = users;
        this.access = access;
        this.outbox = outbox;
        this.tx = tx;
    }

    public Uni<MemberView> add(Caller caller, UUID projectId, AddMemberRequest request) {
        UUID userId = parseUser(request.userId());
        return tx.write(() -> access.require(caller, projectId, Roles.OWNER)
                .chain(project -> users.findById(userId))
                .chain(user -> {
                    if (user == null) {
                        throw ProblemException.invalidField("user_id", "no user has this id");
                    }
                    return memberships.findMembership(projectId, user.id.toString()).chain(existing -> {
                        if (existing != null) {
                            throw ProblemException.conflict("'" + user.username + "' is already a member, as " + existing.role
                                    + "; change the role with PATCH instead");
                        }
                        Membership m = new Membership();
                        m.projectId = projectId;
                        m.userId = user.id.toString();
                        m.role = request.role();
                        m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                        return memberships.persist(m).call(() -> event(MembershipProjector.ADDED, m)).map(saved -> toView(saved, user.username));
                    });
                }));
    }

    @WithSession
    public Uni<Page<MemberView>> list(Caller caller, UUID projectId, String afterUserId, int limit) {
        return access.require(caller, projectId, Roles.VIEWER)
                .chain(project -> memberships.page(projectId, afterUserId, limit + 1))
                .chain(rows -> usernames(rows).map(names -> Page.of(rows, limit,
                        m -> toView(m, names.get(m.userId)), m -> m.userId)));
    }

    public Uni<MemberView> changeRole(Caller caller, UUID projectId, String userId, String role) {
        return tx.write(() -> access.require(caller, projectId, Roles.OWNER)
                .chain(project -> existing(projectId, userId))
                .call(m -> Roles.OWNER.equals(m.role) && !Roles.OWNER.equals(role) ? keepAnOwner(projectId, m) : Uni.createFrom().voidItem())
                .chain(m -> {
                    if (m.role.equals(role)) {
                        return Uni.createFrom().item(m);
                    }
                    m.role = role;
                    return memberships.flush().replaceWith(m).call(() -> event(MembershipProjector.ROLE_CHANGED, m));
                })
                .chain(m -> usernames(List.of(m)).map(names -> toView(m, names.get(m.userId)))));
    }

    public Uni<Void> remove(Caller caller, UUID projectId, String userId) {
        // leaving a project needs no more than seeing it; removing someone else needs owner
        String needed = userId.equals(caller.userId()) ? Roles.VIEWER : Roles.OWNER;
        return tx.write(() -> access.require(caller, projectId, needed)
                .chain(project -> existing(projectId, userId))
                .call(m -> Roles.OWNER.equals(m.role) ? keepAnOwner(projectId, m) : Uni.createFrom().voidItem())
                .call(memberships::delete)
                .call(m -> event(MembershipProjector.REMOVED, m)))
                .replaceWithVoid();
    }

    /**
     * Takes a user out of every project, in the caller's transaction (user deletion); refuses
     * when they are the last owner of a project.
     */
    public Uni<Void> removeEverywhere(String userId, String username) {
        // project by project in one order, so that two deletions sharing projects cannot deadlock
        return memberships.list("userId = ?1 order by projectId", userId).call(list -> {
            Uni<Void> checks = Uni.createFrom().voidItem();
            for (Membership m : list) {
                if (Roles.OWNER.equals(m.role)) {
                    checks = checks.call(() -> memberships.lockOwners(m.projectId).invoke(owners -> {
                        if (owners <= 1) {
                            throw ProblemException.conflict("'" + username + "' is the last owner of project " + m.projectId
                                    + "; make someone else owner first");
                        }
                    }));
                }
            }
            return checks;
        }).chain(list -> removeAll(list));
    }

    /** Removes the given memberships, one event each (project deletion, user deletion). */
    public Uni<Void> removeAll(List<Membership> list) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Membership m : list) {
            chain = chain.call(() -> memberships.delete(m)).call(() -> event(MembershipProjector.REMOVED, m));
        }
        return chain;
    }

    private Uni<Membership> existing(UUID projectId, String userId) {
        return memberships.findMembership(projectId, userId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("member", userId));
    }

    private Uni<Void> keepAnOwner(UUID projectId, Membership leaving) {
        return memberships.lockOwners(projectId).invoke(owners -> {
            if (owners <= 1) {
                throw ProblemException.conflict("user " + leaving.userId + " is the project's last owner; make another member owner first");
            }
        }).replaceWithVoid();
    }

    /** Publishes one of the membership event types the projections read (common's MembershipProjector). */
    private Uni<Void> event(String type, Membership m) {
        String event = type.substring(type.lastIndexOf('.') + 1);
        return outbox.append(Domain.MEMBER, m.projectId, event, m.userId,
                Map.of("project_id", m.projectId, "user_id", m.userId, "role", m.role)).replaceWithVoid();
    }

    private Uni<Map<String, String>> usernames(List<Membership> rows) {
        List<UUID> ids = rows.stream().map(m -> parseUserOrNull(m.userId)).filter(java.util.Objects::nonNull).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return users.list("id in ?1", ids).map(list -> list.stream()
                .collect(Collectors.toMap(u -> u.id.toString(), u -> u.username, (a, b) -> a)));
    }

    private static MemberView toView(Membership m, String username) {
        return new MemberView(m.projectId, m.userId, username, m.role, m.createdAt);
    }

    private static UUID parseUser(String id) {
        return Optional.ofNullable(parseUserOrNull(id)).orElseThrow(() -> ProblemException.invalidField("user_id", "must be a user id (UUID)"));
    }

    private static UUID parseUserOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

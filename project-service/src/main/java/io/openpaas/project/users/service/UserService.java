package io.openpaas.project.users.service;

import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.project.auth.User;
import io.openpaas.project.auth.repository.UserRepository;
import io.openpaas.project.members.service.MemberService;
import io.openpaas.project.tokens.service.ApiTokenService;
import io.openpaas.project.users.api.CreateUserRequest;
import io.openpaas.project.users.api.CreatedUserView;
import io.openpaas.project.users.api.UserView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Users of the platform. Deleting one revokes everything they hold at once: their API tokens
 * go, they leave every project, and their id joins {@code deleted_users} so that access tokens
 * still in flight are refused here and, through {@code paas.member.user_deleted}, everywhere.
 */
@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final ApiTokenService tokens;
    private final MemberService members;
    private final Outbox outbox;
    private final Transactions tx;

    public UserService(UserRepository users, ApiTokenService tokens, MemberService members, Outbox outbox, Transactions tx) {
        this.users = users;
        this.tokens = tokens;
        this.members = members;
        this.outbox = outbox;
        this.tx = tx;
    }

    public Uni<CreatedUserView> create(CreateUserRequest request) {
        return tx.write(() -> users.findByUsername(request.username()).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("username '" + request.username() + "' is already taken");
            }
            User user = new User();
            user.id = Ids.newId();
            user.username = request.username();
            user.email = request.email();
            user.admin = Boolean.TRUE.equals(request.admin());
            user.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return users.persist(user)
                    .call(() -> outbox.append(Domain.MEMBER, null, "user_created", user.id,
                            Map.of("user_id", user.id, "username", user.username, "admin", user.admin)))
                    .chain(() -> tokens.issue(user.id, "initial", null, null))
                    .map(token -> new CreatedUserView(user.id, user.username, user.email, user.admin, user.createdAt, token.token()));
        }));
    }

    @WithSession
    public Uni<Page<UserView>> list(UUID after, int limit) {
        return users.page(after, limit + 1).map(rows -> Page.of(rows, limit, UserService::toView, u -> u.id));
    }

    @WithSession
    public Uni<UserView> get(UUID id) {
        return users.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("user", id)).map(UserService::toView);
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return tx.write(() -> users.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("user", id))
                .call(user -> user.admin ? users.lockAdmins().invoke(admins -> {
                    if (admins <= 1) {
                        throw ProblemException.conflict("'" + user.username + "' is the last platform admin; make another admin first");
                    }
                }) : Uni.createFrom().voidItem())
                .call(user -> members.removeEverywhere(user.id.toString(), user.username))
                .call(user -> users.delete(user))
                .call(user -> Panache.getSession().chain(s -> s
                        .createNativeQuery("insert into deleted_users (user_id, deleted_at) values (:user, now()) on conflict do nothing")
                        .setParameter("user", user.id.toString()).executeUpdate()))
                .call(user -> outbox.append(Domain.MEMBER, null, "user_deleted", user.id,
                        Map.of("user_id", user.id, "username", user.username))))
                .replaceWithVoid();
    }

    private static UserView toView(User u) {
        return new UserView(u.id, u.username, u.email, u.admin, u.createdAt);
    }
}

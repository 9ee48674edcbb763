package io.openpaas.common.members;

import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps {@code member_projection} and {@code deleted_users} in step with the membership events
 * project-service publishes. Each row remembers the time of the change it reflects and only a
 * newer change replaces it, so redelivered or reordered events leave the latest state.
 */
@ApplicationScoped
public class MembershipProjector implements EventHandler {

    public static final String ADDED = io.openpaas.common.events.MemberEvents.ADDED;
    public static final String ROLE_CHANGED = io.openpaas.common.events.MemberEvents.ROLE_CHANGED;
    public static final String REMOVED = io.openpaas.common.events.MemberEvents.REMOVED;
    public static final String USER_DELETED = io.openpaas.common.events.MemberEvents.USER_DELETED;

    private final String name;
    private final MembersConfig config;
    private final MembershipChanges changes;

    public MembershipProjector(@ConfigProperty(name = "quarkus.application.name") String appName, MembersConfig config,
            MembershipChanges changes) {
        this.name = appName + "-members";
        this.config = config;
        this.changes = changes;
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        if (ADDED.equals(event.type()) || ROLE_CHANGED.equals(event.type())) {
            changes.changed(projectOf(event));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.MEMBER);
    }

    @Override
    public boolean enabled() {
        return config.projectionEnabled();
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        Instant at = event.time();
        return switch (event.type()) {
            case ADDED, ROLE_CHANGED -> setRole(projectOf(event), userOf(event), event.data().path("role").asText(), at);
            case REMOVED -> remove(projectOf(event), userOf(event), at);
            case USER_DELETED -> userDeleted(userOf(event), at);
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> setRole(UUID projectId, String userId, String role, Instant at) {
        return execute("insert into member_projection (project_id, user_id, role, changed_at) values (:project, :user, :role, :at) "
                + "on conflict (project_id, user_id) do update set role = excluded.role, changed_at = excluded.changed_at "
                + "where member_projection.changed_at < excluded.changed_at",
                projectId, userId, role, at);
    }

    private Uni<Void> remove(UUID projectId, String userId, Instant at) {
        return execute("insert into member_projection (project_id, user_id, role, changed_at) values (:project, :user, null, :at) "
                + "on conflict (project_id, user_id) do update set role = null, changed_at = excluded.changed_at "
                + "where member_projection.changed_at < excluded.changed_at",
                projectId, userId, null, at);
    }

    private Uni<Void> userDeleted(String userId, Instant at) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into deleted_users (user_id, deleted_at) values (:user, :at) on conflict do nothing")
                .setParameter("user", userId).setParameter("at", at).executeUpdate()
                .chain(() -> session.createNativeQuery("update member_projection set role = null, changed_at = :at "
                        + "where user_id = :user and changed_at < :at")
                        .setParameter("user", userId).setParameter("at", at).executeUpdate()))
                .replaceWithVoid();
    }

    private static Uni<Void> execute(String sql, UUID projectId, String userId, String role, Instant at) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql)
                    .setParameter("project", projectId)
                    .setParameter("user", userId)
                    .setParameter("at", at);
            if (role != null) {
                query.setParameter("role", role);
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }

    private static UUID projectOf(EventEnvelope event) {
        return UUID.fromString(event.data().path("project_id").asText());
    }

    private static String userOf(EventEnvelope event) {
        return event.data().path("user_id").asText();
    }
}

package io.openpaas.common.events;

/**
 * The membership event types every projection of memberships reads (each service's table, the
 * gateway's in-memory view). Their data holds {@code project_id}, {@code user_id} and
 * {@code role}; {@code user_deleted} holds {@code user_id} only.
 */
public final class MemberEvents {

    public static final String ADDED = "paas.member.added";
    public static final String ROLE_CHANGED = "paas.member.role_changed";
    public static final String REMOVED = "paas.member.removed";
    public static final String USER_DELETED = "paas.member.user_deleted";

    private MemberEvents() {
    }
}

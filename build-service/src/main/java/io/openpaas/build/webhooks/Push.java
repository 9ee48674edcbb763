package io.openpaas.build.webhooks;

/**
 * A delivery from a Git host, as far as the platform cares: which provider sent it, its delivery
 * id (for replays), whether it is a push, and for a push the branch and the commit after it.
 */
public record Push(String provider, String deliveryId, String event, boolean isPush, String branch, String after) {

    /** A push that deleted the branch names no commit to build. */
    public boolean deletesBranch() {
        return after == null || after.matches("0+");
    }
}

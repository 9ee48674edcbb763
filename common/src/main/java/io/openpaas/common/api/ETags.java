package io.openpaas.common.api;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import jakarta.ws.rs.core.EntityTag;

/** Optimistic concurrency on the wire: the row version is the (strong) ETag. */
public final class ETags {

    private ETags() {
    }

    public static EntityTag of(long version) {
        return new EntityTag(Long.toString(version));
    }

    /**
     * Checks an {@code If-Match} header against the current version; absent means "no
     * precondition". A stale or unparseable tag answers 412 so nothing is overwritten blindly.
     */
    public static void checkIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            tag = tag.replace("\"", "");
            if (tag.equals(Long.toString(currentVersion))) {
                return;
            }
        }
        throw new ProblemException(ProblemType.PRECONDITION_FAILED,
                "the resource has changed since you read it (current ETag \"" + currentVersion + "\"); read it again and retry");
    }
}

package io.openpaas.common.security;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Notes on the current request why it was denied, for {@link DeniedRequestRecorder}: which
 * project it concerned, who asked, and whether the answer hid the project behind a 404.
 */
public final class DeniedRequests {

    static final String PROJECT = "openpaas.denied.project";
    static final String ACTOR = "openpaas.denied.actor";
    static final String HIDDEN = "openpaas.denied.hidden";

    private DeniedRequests() {
    }

    public static void mark(UUID projectId, String actor, boolean hidden) {
        RoutingContext rc = CallerContext.currentRequest();
        if (rc == null) {
            return;
        }
        if (projectId != null) {
            rc.put(PROJECT, projectId.toString());
        }
        if (actor != null) {
            rc.put(ACTOR, actor);
        }
        rc.put(HIDDEN, hidden);
    }
}

package io.openpaas.common.members;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wakes requests waiting for the membership projection to learn about a project: instead of
 * polling the table, a request that found no membership waits here until the projector has
 * committed a change of that project (or its time is up), then looks once more.
 */
@ApplicationScoped
public class MembershipChanges {

    private final Map<UUID, List<UniEmitter<? super Boolean>>> waiting = new ConcurrentHashMap<>();

    /** Completes with true when a change of {@code projectId} is committed, with false after {@code max}. */
    public Uni<Boolean> next(UUID projectId, Duration max) {
        if (max.isNegative() || max.isZero()) {
            return Uni.createFrom().item(false);
        }
        // the request goes on on its own Vert.x context, whichever thread wakes it (consumer or timer)
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<Boolean> wait = Uni.createFrom().<Boolean>emitter(emitter -> {
            waiting.computeIfAbsent(projectId, k -> new CopyOnWriteArrayList<>()).add(emitter);
            emitter.onTermination(() -> waiting.computeIfPresent(projectId, (k, list) -> {
                list.remove(emitter);
                return list.isEmpty() ? null : list;
            }));
        }).ifNoItem().after(max).recoverWithItem(false);
        return context == null ? wait : wait.emitOn(task -> context.runOnContext(v -> task.run()));
    }

    /** Called once a change of {@code projectId} is committed to the projection. */
    public void changed(UUID projectId) {
        List<UniEmitter<? super Boolean>> list = waiting.remove(projectId);
        if (list != null) {
            list.forEach(e -> e.complete(true));
        }
    }
}

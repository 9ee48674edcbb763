package io.openpaas.common.projection;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-process wake-ups keyed by id: a request that found nothing yet (a projection that has not
 * caught up, a log with no new line) waits here until whoever changes that id says so, or its
 * time is up, instead of polling the database.
 */
public class KeyedSignals {

    private final Map<UUID, List<UniEmitter<? super Boolean>>> waiting = new ConcurrentHashMap<>();

    /** Completes with true when {@code key} changes, with false after {@code max}. */
    public Uni<Boolean> next(UUID key, Duration max) {
        if (max.isNegative() || max.isZero()) {
            return Uni.createFrom().item(false);
        }
        // the request goes on on its own Vert.x context, whichever thread wakes it (consumer or timer)
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<Boolean> wait = Uni.createFrom().<Boolean>emitter(emitter -> {
            waiting.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(emitter);
            emitter.onTermination(() -> waiting.computeIfPresent(key, (k, list) -> {
                list.remove(emitter);
                return list.isEmpty() ? null : list;
            }));
        }).ifNoItem().after(max).recoverWithItem(false);
        return context == null ? wait : wait.emitOn(task -> context.runOnContext(v -> task.run()));
    }

    /**
     * Looks with {@code lookup} until it finds something (non-null): when it finds nothing it waits,
     * without polling, for a change of {@code key}, then looks again, until {@code max} has passed,
     * and once more at that moment (a change committed between a look and the wait sent it no
     * signal). Answers null when nothing was found in time.
     */
    public <T> Uni<T> lookUntilFound(UUID key, Duration max, java.util.function.Supplier<Uni<T>> lookup) {
        return look(key, System.nanoTime() + max.toNanos(), lookup);
    }

    private <T> Uni<T> look(UUID key, long deadline, java.util.function.Supplier<Uni<T>> lookup) {
        return lookup.get().chain(found -> {
            long left = deadline - System.nanoTime();
            if (found != null || left <= 0) {
                return Uni.createFrom().item(found);
            }
            return next(key, Duration.ofNanos(left)).chain(changed -> look(key, changed ? deadline : System.nanoTime(), lookup));
        });
    }

    /** Called once a change of {@code key} is committed (or otherwise visible to readers). */
    public void changed(UUID key) {
        List<UniEmitter<? super Boolean>> list = waiting.remove(key);
        if (list != null) {
            list.forEach(e -> e.complete(true));
        }
    }
}

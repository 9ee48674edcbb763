package io.openpaas.common.persistence;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Reactive work run from a worker thread of the service's own (a build, a rollout): on a Vert.x
 * context of its own, as Hibernate Reactive needs, and waited for.
 */
public final class Blocking {

    private Blocking() {
    }

    /**
     * Blocking work (DNS, a container engine) asked for from a request: run on a worker thread,
     * its result delivered back on the request's Vert.x context, where Hibernate Reactive goes on.
     */
    public static <T> Uni<T> offEventLoop(Supplier<T> work) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Uni<T> off = Uni.createFrom().item(work).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
        return context == null ? off : off.emitOn(task -> context.runOnContext(v -> task.run()));
    }

    public static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}

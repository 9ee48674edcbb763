package io.openpaas.common.consumer;

import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.outbox.OutboxRelay;
import io.openpaas.common.security.CallerContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Applies consumed events exactly once in effect: the inbox claim and the handler's work in
 * one transaction, so a redelivered event that was applied before is skipped. Used by the
 * consumers and by the replay of dead letters alike. Blocks the calling (non Vert.x) thread.
 */
@ApplicationScoped
public class EventApplier {

    private final Inbox inbox;
    private final OutboxRelay relay;

    public EventApplier(Inbox inbox, OutboxRelay relay) {
        this.inbox = inbox;
        this.relay = relay;
    }

    /** Applies one event unless {@code durable} has applied it before; answers whether it was new. */
    public boolean apply(EventHandler handler, String durable, EventEnvelope event) throws Throwable {
        return apply(handler, durable, event, fresh -> Uni.createFrom().voidItem());
    }

    /**
     * As {@link #apply(EventHandler, String, EventEnvelope)}, with {@code alsoInTransaction}
     * (given whether the event was new) committed or rolled back with it.
     */
    public boolean apply(EventHandler handler, String durable, EventEnvelope event,
            java.util.function.Function<Boolean, Uni<?>> alsoInTransaction) throws Throwable {
        Boolean fresh = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
            CallerContext.bindConsumedCorrelation(event.correlationId());
            return inbox.claim(durable, event.id())
                    .call(isNew -> isNew ? handler.handle(event) : Uni.createFrom().voidItem())
                    .call(alsoInTransaction);
        }));
        relay.wake(); // the handler may have written outbox rows
        if (fresh) {
            handler.afterCommit(event);
        }
        return fresh;
    }

    /** Applies the events {@code durable} has not applied yet, in one transaction. */
    public void applyBatch(EventHandler handler, String durable, List<EventEnvelope> events) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> inbox
                .claimAll(durable, events.stream().map(EventEnvelope::id).toList())
                // fresh ids, each once even if the batch holds the same event twice
                .chain(fresh -> handler.handleBatch(events.stream().filter(e -> fresh.remove(e.id())).toList()))));
        events.forEach(handler::afterCommit);
    }

    /** Runs {@code work} in a transaction of its own from a blocking thread, and wakes the relay for its outbox rows. */
    public <T> void inTransaction(java.util.function.Supplier<Uni<T>> work) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
        relay.wake();
    }

    /**
     * True when the database answers a trivial query. A handler failure while it does is the
     * event's own; while it does not, the failure is the infrastructure's whatever it looked like.
     */
    public boolean databaseAnswers() {
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                    () -> Panache.getSession().chain(s -> s.createNativeQuery("select 1").getSingleResult())));
            return true;
        } catch (Throwable t) {
            return false;
        }
    }
}

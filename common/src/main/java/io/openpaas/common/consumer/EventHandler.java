package io.openpaas.common.consumer;

import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * A service's reaction to events of some domains. Implementations are CDI beans; the
 * {@link ConsumerRunner} gives each a durable pull consumer per domain and calls
 * {@link #handle} inside a reactive transaction that also records the event id in the inbox,
 * so the effect of one event is applied once however often it is delivered.
 */
public interface EventHandler {

    /** Stable durable name, unique in the platform (e.g. {@code audit-recorder}). */
    String name();

    /** Domains whose streams this handler reads. */
    Set<Domain> domains();

    /** False to leave this handler unattached in a service that does not need it. */
    default boolean enabled() {
        return true;
    }

    /** Applies the event; runs in the caller's transaction. */
    Uni<Void> handle(EventEnvelope event);

    /**
     * True when the runner should hand this handler batches of events, each applied in one
     * transaction ({@link #handleBatch}): much faster for a busy stream. A batched handler sees
     * no per-event correlation id, so it must not append to the outbox.
     */
    default boolean batched() {
        return false;
    }

    /** Called after the transaction that applied {@code event} committed (for in-process signals). */
    default void afterCommit(EventEnvelope event) {
    }

    /** Applies new events, in stream order, in the caller's transaction. */
    default Uni<Void> handleBatch(java.util.List<EventEnvelope> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EventEnvelope event : events) {
            chain = chain.chain(() -> handle(event));
        }
        return chain;
    }
}

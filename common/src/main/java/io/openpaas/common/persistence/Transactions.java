package io.openpaas.common.persistence;

import io.openpaas.common.outbox.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Runs write work in one reactive transaction and wakes the outbox relay once it has
 * committed, so events leave within milliseconds instead of at the next sweep.
 */
@ApplicationScoped
public class Transactions {

    private final OutboxRelay relay;

    public Transactions(OutboxRelay relay) {
        this.relay = relay;
    }

    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(relay::wake);
    }
}

package io.openpaas.common.consumer;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the service's consumers can currently apply events. An infrastructure failure (see
 * {@link TransientFailures}) marks them failing until the next event is applied; meanwhile the
 * service reports not ready, so an orchestrator stops sending it traffic and an operator sees
 * why, while the events wait in JetStream instead of going to the dead letters.
 */
@ApplicationScoped
public class ConsumerHealth {

    /** The first infrastructure failure of the current outage, and the latest one's text. */
    public record Outage(Instant since, String lastFailure) {
    }

    private final AtomicReference<Outage> outage = new AtomicReference<>();

    /** Records the failure by its kind only (exception classes): readiness is public, hosts and SQL are not. */
    public void infrastructureFailed(Throwable failure) {
        StringBuilder kinds = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t) && seen.size() <= 5; t = t.getCause()) {
            kinds.append(kinds.isEmpty() ? "" : " < ").append(t.getClass().getSimpleName());
        }
        String text = kinds.toString();
        outage.updateAndGet(o -> new Outage(o == null ? Instant.now() : o.since(), text));
    }

    public void applied() {
        if (outage.get() != null) {
            outage.set(null);
        }
    }

    public Optional<Outage> outage() {
        return Optional.ofNullable(outage.get());
    }
}

package io.openpaas.build.builds.service;

import io.openpaas.build.builds.Build;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.builds.metrics.BuildMetrics;
import io.openpaas.build.builds.mapping.BuildMapper;
import io.openpaas.build.builds.repository.BuildRepository;
import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The one place a build changes state: under a row lock, only from the states the caller expects,
 * with the event {@code paas.build.<project>.<state>} in the same transaction. Whoever loses a race
 * (a worker finishing a build that was just cancelled, say) gets null and changes nothing.
 */
@ApplicationScoped
public class BuildTransitions {

    private final BuildRepository builds;
    private final BuildMapper mapper;
    private final Outbox outbox;
    private final Transactions tx;
    private final BuildSignals signals;
    private final BuildMetrics metrics;

    public BuildTransitions(BuildRepository builds, BuildMapper mapper, Outbox outbox, Transactions tx, BuildSignals signals, BuildMetrics metrics) {
        this.metrics = metrics;
        this.builds = builds;
        this.mapper = mapper;
        this.outbox = outbox;
        this.tx = tx;
        this.signals = signals;
    }

    /** Moves the build to {@code to} in a transaction of its own; null when it was not in {@code from}. */
    public Uni<Build> move(UUID id, Set<BuildState> from, BuildState to, Consumer<Build> change) {
        return tx.write(() -> moveInTransaction(id, from, to, change))
                .invoke(moved -> {
                    if (moved != null) {
                        signals.changed(id);
                    }
                });
    }

    /** As {@link #move}, in the caller's transaction (the caller signals after commit). */
    public Uni<Build> moveInTransaction(UUID id, Set<BuildState> from, BuildState to, Consumer<Build> change) {
        return builds.lock(id).chain(b -> {
            if (b == null || !from.contains(b.state)) {
                return Uni.createFrom().nullItem();
            }
            b.state = to;
            change.accept(b);
            if (to.isFinal()) {
                b.finishedAt = now();
                b.pid = null;
            }
            return builds.flush().chain(() -> announce(b)).invoke(() -> {
                if (to.isFinal()) {
                    metrics.finished(b);
                }
            }).replaceWith(b);
        });
    }

    /** Publishes the event of the state the build is in (also for a new, QUEUED build). */
    public Uni<Void> announce(Build b) {
        return outbox.append(Domain.BUILD, b.projectId, b.state.event(), b.id, mapper.toView(b)).replaceWithVoid();
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}

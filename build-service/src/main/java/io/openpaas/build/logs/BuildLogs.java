package io.openpaas.build.logs;

import io.openpaas.build.builds.BuildState;
import io.openpaas.build.builds.service.BuildSignals;
import io.openpaas.build.config.BuildConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads build logs: a page of stored lines, or a stream that replays the lines after a given one
 * and then follows the build, woken by the writer after each stored batch, until the build ends.
 * A build's worker stores its last lines before the build's final state commits, so a follower
 * that sees the final state and then reads once more has every line.
 */
@ApplicationScoped
public class BuildLogs {

    private static final int PAGE = 500;
    private final Pool pool;
    private final BuildSignals signals;
    private final BuildConfig config;

    public BuildLogs(Pool pool, BuildSignals signals, BuildConfig config) {
        this.pool = pool;
        this.signals = signals;
        this.config = config;
    }

    public Uni<List<LogLine>> after(UUID buildId, int afterSeq, int limit) {
        return pool.preparedQuery("select seq, line from build_logs where build_id = $1 and seq > $2 order by seq limit $3")
                .execute(Tuple.of(buildId, afterSeq, limit))
                .map(rows -> {
                    List<LogLine> lines = new ArrayList<>();
                    for (Row row : rows) {
                        lines.add(new LogLine(row.getInteger(0), row.getString(1)));
                    }
                    return lines;
                });
    }

    /** Every stored line, oldest first (bounded by the per-build limit). */
    public Uni<List<LogLine>> all(UUID buildId) {
        return after(buildId, 0, config.logs().maxLines() + 1);
    }

    /** The lines after {@code afterSeq}, then new ones as they are stored, until the build is over. */
    public Multi<LogLine> follow(UUID buildId, int afterSeq) {
        return Multi.createFrom().emitter(emitter -> step(buildId, afterSeq, emitter));
    }

    private void step(UUID buildId, int afterSeq, MultiEmitter<? super LogLine> emitter) {
        if (emitter.isCancelled()) {
            return;
        }
        state(buildId).chain(state -> after(buildId, afterSeq, PAGE).map(lines -> new Object[] {state, lines}))
                .subscribe().with(result -> {
                    BuildState state = (BuildState) result[0];
                    @SuppressWarnings("unchecked")
                    List<LogLine> lines = (List<LogLine>) result[1];
                    int last = afterSeq;
                    for (LogLine line : lines) {
                        emitter.emit(line);
                        last = line.seq();
                    }
                    int next = last;
                    if (!lines.isEmpty()) {
                        step(buildId, next, emitter);
                    } else if (state == null || state.isFinal()) {
                        emitter.complete();
                    } else {
                        signals.next(buildId, Duration.ofSeconds(2)).subscribe().with(changed -> step(buildId, next, emitter),
                                emitter::fail);
                    }
                }, emitter::fail);
    }

    private Uni<BuildState> state(UUID buildId) {
        return pool.preparedQuery("select state from builds where id = $1").execute(Tuple.of(buildId))
                .map(rows -> rows.size() == 0 ? null : BuildState.valueOf(rows.iterator().next().getString(0)));
    }

    /** The largest stored line number of a build (0 for none): a resumed writer continues after it. */
    public Uni<Integer> lastSeq(UUID buildId) {
        return pool.preparedQuery("select coalesce(max(seq), 0) from build_logs where build_id = $1").execute(Tuple.of(buildId))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    /** Deletes the logs of builds finished before the retention period; answers how many lines went. */
    public Uni<Integer> expire() {
        Instant before = Instant.now().minus(config.logs().retention());
        return pool.preparedQuery("delete from build_logs l using builds b where l.build_id = b.id and b.finished_at < $1")
                .execute(Tuple.of(before.atOffset(java.time.ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }
}

package io.openpaas.build.logs;

import io.openpaas.build.builds.service.BuildSignals;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The log of one running build: lines are masked, cut to length, numbered and stored in batches
 * (at the latest every flush period), and followers are woken after each batch. Past the line
 * limit one note says so and the rest is dropped. Thread-safe: the executor's output readers and
 * the flusher share it.
 */
public class BuildLogWriter {

    private final UUID buildId;
    private final Pool pool;
    private final BuildSignals signals;
    private final LogMasker masker;
    private final int maxLines;
    private final int maxLineLength;
    private final List<Tuple> pending = new ArrayList<>();
    private int seq;
    private boolean truncated;

    public BuildLogWriter(UUID buildId, int startAfter, Pool pool, BuildSignals signals, LogMasker masker, int maxLines, int maxLineLength) {
        this.buildId = buildId;
        this.seq = startAfter;
        this.pool = pool;
        this.signals = signals;
        this.masker = masker;
        this.maxLines = maxLines;
        this.maxLineLength = maxLineLength;
    }

    public LogMasker masker() {
        return masker;
    }

    public void append(String raw) {
        String line = masker.mask(raw.replace('\0', ' ').replace("\r", ""));
        if (line.length() > maxLineLength) {
            line = line.substring(0, maxLineLength) + " …";
        }
        boolean flushNow;
        synchronized (this) {
            if (truncated) {
                return;
            }
            if (seq >= maxLines - 1) {
                truncated = true;
                line = "[openpaas] the log reached its limit of " + maxLines + " lines; later output is not kept";
            }
            pending.add(Tuple.of(buildId, ++seq, line));
            flushNow = pending.size() >= 200;
        }
        if (flushNow) {
            flush();
        }
    }

    /** Stores what is pending and wakes followers. Blocking: call from a worker thread. */
    public void flush() {
        List<Tuple> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        pool.preparedQuery("insert into build_logs (build_id, seq, line) values ($1, $2, $3) on conflict do nothing")
                .executeBatch(batch)
                .onFailure().retry().withBackOff(Duration.ofMillis(100)).atMost(5)
                .replaceWithVoid()
                .onItemOrFailure().invoke(() -> signals.changed(buildId))
                .onFailure().recoverWithUni(e -> Uni.createFrom().voidItem())
                .await().atMost(Duration.ofSeconds(30));
    }
}

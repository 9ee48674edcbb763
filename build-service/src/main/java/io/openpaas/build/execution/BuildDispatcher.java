package io.openpaas.build.execution;

import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Rows;

import io.openpaas.build.builds.Build;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.builds.service.BuildSignals;
import io.openpaas.build.builds.service.BuildTransitions;
import io.openpaas.build.config.BuildConfig;
import io.openpaas.build.logs.BuildLogWriter;
import io.openpaas.build.logs.BuildLogs;
import io.openpaas.build.logs.LogMasker;
import io.openpaas.common.persistence.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs queued builds (docs/builds.md): claims the oldest QUEUED build whose project is under its
 * concurrency limit, runs it on a worker thread through the configured executor, proves the
 * worker alive every heartbeat, stops builds cancelled or past their timeout, and fails builds
 * whose worker is gone (this instance before a restart, or another that stopped proving alive),
 * so no build stays running for ever.
 */
@ApplicationScoped
public class BuildDispatcher {

    private static final Set<BuildState> RUNNING = BuildState.RUNNING;
    private final BuildConfig config;
    private final BuildExecutor executor;
    private final BuildJobs jobs;
    private final BuildTransitions transitions;
    private final BuildLogs logs;
    private final BuildSignals signals;
    private final Transactions tx;
    private final Pool pool;
    private final String worker;
    private final Map<UUID, ActiveBuild> active = new ConcurrentHashMap<>();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private ExecutorService workers;
    private ExecutorService pumper;
    private ScheduledExecutorService ticker;
    private volatile boolean started;

    public BuildDispatcher(BuildConfig config, BuildExecutor executor, BuildJobs jobs, BuildTransitions transitions, BuildLogs logs,
            BuildSignals signals, Transactions tx, Pool pool) {
        this.config = config;
        this.executor = executor;
        this.jobs = jobs;
        this.transitions = transitions;
        this.logs = logs;
        this.signals = signals;
        this.tx = tx;
        this.pool = pool;
        this.worker = config.workerId().filter(w -> !w.isBlank()).orElseGet(BuildDispatcher::hostName);
    }

    void onStart(@Observes StartupEvent event) {
        workers = Executors.newFixedThreadPool(Math.max(1, config.maxConcurrent()), daemon("build-worker"));
        pumper = Executors.newSingleThreadExecutor(daemon("build-dispatcher"));
        ticker = Executors.newSingleThreadScheduledExecutor(daemon("build-heartbeat"));
        pumper.execute(() -> {
            try {
                recoverOwn();
            } catch (RuntimeException e) {
                Log.errorf("could not fail the builds this worker held before it restarted: %s", e.toString());
            }
            started = true;
            pump();
        });
        long beat = Math.max(100, config.heartbeat().toMillis());
        ticker.scheduleWithFixedDelay(this::tick, beat, beat, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::flushLogs, 150, 150, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        started = false;
        if (ticker != null) {
            ticker.shutdownNow();
            pumper.shutdownNow();
        }
        // a build cut short by shutdown is failed now rather than left to the next start
        active.values().forEach(run -> {
            run.stop();
            finish(run.id(), BuildState.FAILED, "build-service stopped while the build ran; request it again");
        });
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Looks for work soon (after a build was queued or one ended). */
    public void wake() {
        if (started && pumpQueued.compareAndSet(false, true)) {
            pumper.execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /** Stops the build if this instance runs it (it was cancelled); wakes its followers either way. */
    public void stopLocal(UUID id) {
        ActiveBuild run = active.get(id);
        signals.changed(id);
        if (run != null) {
            workers.execute(run::stop);
        }
    }

    /** How many builds this instance runs now. */
    public int activeCount() {
        return active.size();
    }

    @Scheduled(every = "${openpaas.build.sweep-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (!started) {
            return;
        }
        pumper.execute(() -> {
            try {
                failStale();
            } catch (RuntimeException e) {
                Log.warnf("stale-build sweep failed: %s", e.toString());
            }
            pump();
        });
    }

    @Scheduled(every = "1h", delayed = "1m")
    Uni<Void> expireLogs() {
        return logs.expire().invoke(n -> {
            if (n > 0) {
                Log.infof("removed %d log lines of builds past their retention", n);
            }
        }).replaceWithVoid();
    }

    private void pump() {
        try {
            while (started && active.size() < config.maxConcurrent()) {
                Build claimed = Blocking.await(this::claimNext);
                if (claimed == null) {
                    return;
                }
                start(claimed);
            }
        } catch (RuntimeException e) {
            Log.warnf(e, "could not start queued builds (retrying at the next sweep)");
        }
    }

    /**
     * The oldest queued build of a project with a free slot, moved to CLONING for this worker.
     * One claim at a time platform-wide (an advisory lock), so two instances cannot both fill
     * the last slot of a project.
     */
    private Uni<Build> claimNext() {
        return tx.write(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_advisory_xact_lock(hashtext('openpaas.build.claim'))").getSingleResult()
                .chain(() -> session.createNativeQuery("select cast(b.id as text) from builds b where b.state = 'QUEUED' "
                        + "and (select count(*) from builds r where r.project_id = b.project_id "
                        + "and r.state in ('CLONING', 'BUILDING', 'PUSHING')) < :limit "
                        + "order by b.created_at, b.id limit 1 for update skip locked", String.class)
                        .setParameter("limit", (long) config.maxPerProject())
                        .getResultList()))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().nullItem()
                        : transitions.moveInTransaction(UUID.fromString(ids.get(0)), EnumSet.of(BuildState.QUEUED), BuildState.CLONING,
                                b -> {
                                    b.worker = worker;
                                    b.startedAt = BuildTransitions.now();
                                    b.heartbeatAt = b.startedAt;
                                })));
    }

    private void start(Build build) {
        signals.changed(build.id);
        Path workspace = Path.of(config.workDir(), "runs", build.id.toString()).toAbsolutePath();
        LogMasker masker = new LogMasker();
        BuildLogWriter writer = new BuildLogWriter(build.id, 0, pool, signals, masker, config.logs().maxLines(),
                config.logs().maxLineLength());
        ActiveBuild run = new ActiveBuild(build.id, writer, workspace, build.startedAt.plus(config.timeout()),
                stage -> enterStage(build.id, stage), pid -> recordPid(build.id, pid), sha -> recordCommit(build.id, sha));
        active.put(build.id, run);
        workers.execute(() -> execute(build, run));
    }

    private void execute(Build build, ActiveBuild run) {
        BuildState outcome = BuildState.FAILED;
        String reason = null;
        BuildResult result = null;
        BuildJob job = null;
        try {
            Files.createDirectories(run.workspace());
            job = jobs.prepare(build, run);
            run.log("[openpaas] build " + build.id + " of " + (job.commit() != null ? "commit " + job.commit() : "branch " + job.branch())
                    + " with the " + executor.name() + " executor");
            result = executor.build(job, run);
            if (result != null) {
                outcome = BuildState.SUCCEEDED;
                run.log("[openpaas] pushed " + result.imageByDigest());
            } else {
                reason = "the " + executor.name() + " executor ended without an image";
            }
        } catch (BuildFailure failure) {
            reason = failure.getMessage();
            run.log("[openpaas] build failed: " + reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "the build was interrupted";
        } catch (Exception e) {
            Log.errorf(e, "build %s failed unexpectedly", build.id);
            reason = "internal error in build-service (" + e.getClass().getSimpleName() + "); see its log";
            run.log("[openpaas] " + reason);
        } finally {
            run.writer().flush();
            if (!run.stopped()) {
                String masked = reason == null ? null : run.writer().masker().mask(reason);
                BuildResult done = result;
                finish(build.id, outcome, masked, done);
            }
            if (job != null) {
                executor.cleanUp(job);
            }
            run.cleanUp();
            active.remove(build.id);
            signals.changed(build.id);
            wake();
        }
    }

    private boolean enterStage(UUID id, BuildState stage) {
        Set<BuildState> from = EnumSet.copyOf(RUNNING);
        from.remove(stage);
        Build moved = Blocking.await(() -> transitions.move(id, from, stage, b -> {
        }));
        if (moved != null) {
            return true;
        }
        // already in that stage (the claim enters CLONING), or stopped meanwhile
        BuildState now = Blocking.await(() -> pool.preparedQuery("select state from builds where id = $1").execute(Tuple.of(id))
                .map(rows -> BuildState.valueOf(rows.iterator().next().getString(0))));
        return now == stage;
    }

    private void finish(UUID id, BuildState outcome, String reason) {
        finish(id, outcome, reason, null);
    }

    private void finish(UUID id, BuildState outcome, String reason, BuildResult result) {
        try {
            Blocking.await(() -> transitions.move(id, RUNNING, outcome, b -> {
                b.reason = reason;
                if (result != null) {
                    b.commitSha = result.commitSha();
                    b.image = result.imageByDigest();
                }
            }));
        } catch (RuntimeException e) {
            Log.errorf("could not record the end of build %s (%s): %s; the stale sweep will fail it", id, outcome, e.toString());
        }
    }

    /** Records the commit a build resolved to, as soon as it is known. */
    private void recordCommit(UUID id, String sha) {
        Blocking.await(() -> pool.preparedQuery("update builds set commit_sha = $2 where id = $1").execute(Tuple.of(id, sha)).replaceWithVoid());
    }

    private void recordPid(UUID id, long pid) {
        Blocking.await(() -> pool.preparedQuery("update builds set pid = $2 where id = $1").execute(Tuple.of(id, pid)).replaceWithVoid());
    }

    /** Heartbeat of the running builds; stops those cancelled elsewhere, times out those past their deadline. */
    private void tick() {
        if (active.isEmpty()) {
            return;
        }
        try {
            UUID[] ids = active.keySet().toArray(UUID[]::new);
            List<String[]> states = Blocking.await(() -> pool.preparedQuery("update builds set heartbeat_at = now() where id = any($1) "
                    + "returning cast(id as text), state").execute(Tuple.of(ids))
                    .map(rows -> {
                        List<String[]> out = new java.util.ArrayList<>();
                        rows.forEach(r -> out.add(new String[] {r.getString(0), r.getString(1)}));
                        return out;
                    }));
            Instant now = Instant.now();
            for (String[] row : states) {
                ActiveBuild run = active.get(UUID.fromString(row[0]));
                if (run == null || run.stopped()) {
                    continue;
                }
                if (BuildState.valueOf(row[1]).isFinal()) {
                    run.stop();
                } else if (now.isAfter(run.deadline())) {
                    run.log("[openpaas] the build ran past its timeout of " + config.timeout() + " and was stopped");
                    run.writer().flush();
                    finish(run.id(), BuildState.TIMED_OUT, "the build ran longer than its timeout of " + config.timeout());
                    run.stop();
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("build heartbeat failed: %s", e.toString());
        }
    }

    private void flushLogs() {
        for (ActiveBuild run : active.values()) {
            try {
                run.writer().flush();
            } catch (RuntimeException e) {
                Log.warnf("could not store log lines of build %s: %s", run.id(), e.toString());
            }
        }
    }

    /** At start: builds this worker held were cut short by its stop; kill what is left of them and fail them. */
    private void recoverOwn() {
        List<String[]> held = Blocking.await(() -> pool.preparedQuery("select cast(id as text), pid from builds where worker = $1 "
                + "and state in ('CLONING', 'BUILDING', 'PUSHING')").execute(Tuple.of(worker))
                .map(rows -> {
                    List<String[]> out = new java.util.ArrayList<>();
                    rows.forEach(r -> out.add(new String[] {r.getString(0), r.getValue(1) == null ? null : r.getValue(1).toString()}));
                    return out;
                }));
        for (String[] row : held) {
            if (row[1] != null) {
                // only the build's own process: its command line names the build (the image tag), so a
                // recycled pid of something else is left alone
                ProcessHandle.of(Long.parseLong(row[1]))
                        .filter(p -> p.info().commandLine().map(c -> c.contains(row[0])).orElse(false))
                        .ifPresent(ActiveBuild::killTree);
            }
            finish(UUID.fromString(row[0]), BuildState.FAILED, "build-service restarted while the build ran; request it again");
            Log.infof("failed build %s, cut short by a restart of this worker", row[0]);
        }
    }

    /** Builds whose worker stopped proving alive (another instance that died) are failed. */
    private void failStale() {
        Instant limit = Instant.now().minus(config.staleAfter());
        List<String> stale = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from builds where state in ('CLONING', 'BUILDING', 'PUSHING') "
                + "and heartbeat_at < $1").execute(Tuple.of(limit.atOffset(ZoneOffset.UTC)))
                .map(Rows::firstColumn));
        for (String id : stale) {
            if (!active.containsKey(UUID.fromString(id))) {
                finish(UUID.fromString(id), BuildState.FAILED, "the worker running the build stopped answering; request it again");
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "build-service";
        }
    }
}

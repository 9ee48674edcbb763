package io.openpaas.deploy.rollout;

import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Rows;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.openpaas.deploy.deployments.service.DeploymentTransitions;
import io.openpaas.deploy.sources.ServiceRuntimes;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.RolloutProgress;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs deployments (docs/deployments.md): per service, the newest PENDING deployment starts once
 * none is in flight (older PENDING ones are SUPERSEDED), moves APPLYING → PROGRESSING → AVAILABLE
 * or FAILED through the target, and the service's previous AVAILABLE one becomes SUPERSEDED.
 * Nothing stays in flight for ever: each rollout has a deadline, a cancelled or overdue one is
 * abandoned before it touches the traffic, and at start the rollouts this worker held are failed
 * and the target is brought back in line with what was recorded.
 */
@ApplicationScoped
public class Rollouts {

    private static final Set<DeploymentState> RUNNING = EnumSet.of(DeploymentState.APPLYING, DeploymentState.PROGRESSING);
    private final DeployConfig config;
    private final DeployTargets targets;
    private final DeploymentTransitions transitions;
    private final DeploymentMapper mapper;
    private final Transactions tx;
    private final Pool pool;
    private final DeploymentRequests requests;
    private final ServiceRuntimes services;
    private final String worker;
    /** Rollouts this instance claimed (their slots), and the thread of each once it runs. */
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final java.util.Map<UUID, Thread> runningOn = new ConcurrentHashMap<>();
    private final Set<UUID> trafficMoving = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private ExecutorService workers;
    private ExecutorService pumper;
    private volatile boolean started;
    /** The local target was brought in line with the records since this instance started. */
    private volatile boolean localReady;
    private final io.openpaas.deploy.secrets.RolloutSecrets secrets;

    public Rollouts(DeployConfig config, DeployTargets targets, DeploymentTransitions transitions, DeploymentMapper mapper, Transactions tx,
            Pool pool, DeploymentRequests requests, ServiceRuntimes services, io.openpaas.deploy.secrets.RolloutSecrets secrets) {
        this.secrets = secrets;
        this.requests = requests;
        this.services = services;
        this.config = config;
        this.targets = targets;
        this.transitions = transitions;
        this.mapper = mapper;
        this.tx = tx;
        this.pool = pool;
        this.worker = config.workerId().filter(w -> !w.isBlank()).orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "deploy-service"));
    }

    void onStart(@Observes StartupEvent event) {
        workers = Executors.newFixedThreadPool(Math.max(1, config.maxConcurrent()), r -> daemon(r, "rollout"));
        pumper = Executors.newSingleThreadExecutor(r -> daemon(r, "rollout-dispatcher"));
        pumper.execute(() -> {
            if (!untilDone("fail the rollouts this instance held", this::failInterrupted)) {
                return;
            }
            started = true;
            pump(); // rollouts to clusters start now; local ones once the local target is in line
            Thread reconciling = daemon(() -> {
                // until it succeeds: a local rollout on a target not brought in line would load a proxy
                // table holding its own service only (the engine or the proxy may come up after deploy-service)
                if (untilDone("bring the local target in line with the records (no local rollout starts until then)", this::reconcile)) {
                    localReady = true;
                    wake();
                }
            }, "reconcile-local");
            reconciling.start();
        });
    }

    private interface Step {
        void run() throws InterruptedException, DeployFailure;
    }

    /** Runs {@code step} until it succeeds, every 2 s; false when interrupted (deploy-service stops). */
    private static boolean untilDone(String what, Step step) {
        for (int attempt = 1; ; attempt++) {
            try {
                step.run();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException | DeployFailure e) {
                Log.errorf("could not %s (attempt %d, again in 2 s): %s", what, attempt, e.toString());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException stop) {
                    return false;
                }
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        started = false;
        if (pumper != null) {
            pumper.shutdownNow();
            workers.shutdownNow();
        }
    }

    public void wake() {
        if (started && pumpQueued.compareAndSet(false, true)) {
            pumper.execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /**
     * Removes what runs for a deleted service, off the consumer's thread; its deployments still in
     * flight are cancelled first so no rollout starts it again.
     */
    public void removeService(UUID serviceId) {
        workers.execute(() -> {
            try {
                List<String> open = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where service_id = $1 "
                        + "and state in ('PENDING', 'APPLYING', 'PROGRESSING', 'AVAILABLE')").execute(Tuple.of(serviceId))
                        .map(Rows::firstColumn));
                for (String id : open) {
                    Blocking.await(() -> transitions.move(UUID.fromString(id), EnumSet.of(DeploymentState.PENDING, DeploymentState.APPLYING,
                            DeploymentState.PROGRESSING), DeploymentState.CANCELLED, d -> d.reason = "the service was deleted"));
                    abandon(UUID.fromString(id));
                    Blocking.await(() -> transitions.move(UUID.fromString(id), EnumSet.of(DeploymentState.AVAILABLE), DeploymentState.SUPERSEDED,
                            d -> d.reason = "the service was deleted"));
                }
                for (String cluster : Blocking.await(() -> pool.preparedQuery("select distinct cluster from deployments where service_id = $1")
                        .execute(Tuple.of(serviceId)).map(Rows::firstColumn))) {
                    try {
                        targets.require(cluster).remove(serviceId);
                    } catch (DeployFailure gone) {
                        Log.warnf("service %s: %s", serviceId, gone.getMessage());
                    }
                }
                Log.infof("removed the workload of deleted service %s", serviceId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                Log.errorf(e, "could not remove the workload of deleted service %s", serviceId);
            }
        });
    }

    /**
     * Stops the local rollout of a deployment that is no longer in flight (cancelled, overdue), if
     * traffic has not moved to it yet; its new replicas are removed and the old ones keep serving.
     */
    public void abandon(UUID id) {
        // atomic with run()'s removal: the thread cannot have moved on to another rollout meanwhile
        runningOn.computeIfPresent(id, (key, thread) -> {
            if (!trafficMoving.contains(key)) {
                thread.interrupt();
            }
            return thread;
        });
    }

    @Scheduled(every = "${openpaas.deploy.sweep-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            failOverdue();
            abandonStopped();
        } catch (RuntimeException e) {
            Log.warnf("could not sweep the rollouts in flight (again at the next sweep): %s", e.toString());
        }
        wake();
    }

    /**
     * Any instance's rollout past its deadline (its worker may be gone for good): failed if it had
     * not moved traffic yet; if it had, its replicas serve, so it is recorded as what serves.
     */
    private void failOverdue() {
        List<Row> overdue = Blocking.await(() -> pool.preparedQuery("select id, traffic_moved_at is not null from deployments "
                + "where state in ('APPLYING', 'PROGRESSING') and deadline_at < now()").execute().map(rows -> {
                    List<Row> all = new ArrayList<>();
                    rows.forEach(all::add);
                    return all;
                }));
        for (var row : overdue) {
            UUID id = row.getUUID(0);
            if (row.getBoolean(1)) {
                Blocking.await(() -> transitions.makeAvailable(id));
            } else if (Blocking.await(() -> transitions.failOverdue(id, "the rollout did not finish within its deadline ("
                    + config.rolloutDeadline().toSeconds() + " s and the health checks' initial delays)")) != null) {
                abandon(id);
            }
        }
    }

    /** This instance's rollouts that were cancelled or failed elsewhere (another instance's API call) are abandoned. */
    private void abandonStopped() {
        if (runningOn.isEmpty()) {
            return;
        }
        List<String> stopped = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where id = any($1) "
                + "and state not in ('APPLYING', 'PROGRESSING')").execute(Tuple.of(runningOn.keySet().toArray(new UUID[0])))
                .map(Rows::firstColumn));
        stopped.forEach(id -> abandon(UUID.fromString(id)));
    }

    private void pump() {
        try {
            while (started && active.size() < config.maxConcurrent()) {
                Deployment next = Blocking.await(this::claimNext);
                if (next == null) {
                    return;
                }
                active.add(next.id);
                workers.execute(() -> run(next));
            }
        } catch (RuntimeException e) {
            Log.warnf(e, "could not start pending deployments (retrying at the next sweep)");
        }
    }

    /**
     * The newest PENDING deployment of a service with nothing in flight, moved to APPLYING; the
     * older PENDING ones of that service are SUPERSEDED by it. One claim at a time platform-wide.
     */
    private Uni<Deployment> claimNext() {
        return tx.write(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_advisory_xact_lock(hashtext('openpaas.deploy.claim'))").getSingleResult()
                .chain(() -> session.createNativeQuery("select cast(d.id as text) from deployments d where d.state = 'PENDING' "
                        + "and not exists (select 1 from deployments r where r.service_id = d.service_id and r.state in ('APPLYING', 'PROGRESSING')) "
                        // the service's newest only: a local one waiting for the local target keeps its service's older ones waiting
                        + "and not exists (select 1 from deployments n where n.service_id = d.service_id and n.state = 'PENDING' "
                        + "and n.created_at > d.created_at) "
                        + (localReady ? "" : "and d.cluster <> 'local' ") + "order by d.created_at desc limit 1", String.class).getResultList()))
                .chain(ids -> {
                    if (ids.isEmpty()) {
                        return Uni.createFrom().<Deployment>nullItem();
                    }
                    UUID id = UUID.fromString(ids.get(0));
                    return transitions.moveInTransaction(id, EnumSet.of(DeploymentState.PENDING), DeploymentState.APPLYING, d -> {
                        d.worker = worker;
                        d.startedAt = DeploymentTransitions.now();
                        // each replica's health check may start late on purpose: that time is the service's, not the rollout's
                        d.deadlineAt = d.startedAt.plus(config.rolloutDeadline())
                                .plusSeconds((long) d.replicas * mapper.spec(d).healthCheck().initialDelaySeconds());
                    }).call(d -> supersedeOlderPending(d));
                }));
    }

    private Uni<Void> supersedeOlderPending(Deployment d) {
        return Panache.getSession().chain(session -> session.createNativeQuery("select cast(id as text) from deployments where service_id = :s "
                + "and state = 'PENDING' and id <> :id", String.class).setParameter("s", d.serviceId).setParameter("id", d.id).getResultList())
                .chain(older -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String id : older) {
                        chain = chain.call(() -> transitions.moveInTransaction(UUID.fromString(id), EnumSet.of(DeploymentState.PENDING),
                                DeploymentState.SUPERSEDED, o -> o.reason = "superseded by deployment " + d.id));
                    }
                    return chain;
                });
    }

    private void run(Deployment d) {
        Thread.interrupted(); // a late abandon of this thread's previous rollout is not this one's
        runningOn.put(d.id, Thread.currentThread());
        try {
            if (!Blocking.await(() -> transitions.isInFlight(d.id))) {
                return; // cancelled between its claim and now
            }
            DeployTarget target = targets.require(d.cluster);
            // where the service serves before this rollout: if it moves elsewhere, it leaves there once this one serves
            List<String> before = Blocking.await(() -> pool.preparedQuery("select cluster from deployments where service_id = $1 "
                    + "and state = 'AVAILABLE' order by id desc limit 1").execute(Tuple.of(d.serviceId)).map(Rows::firstColumn));
            target.apply(secrets.attach(mapper.spec(d)), new RolloutProgress() {
                @Override
                public void log(String line) {
                    Log.infof("deployment %s: %s", d.id, line);
                }

                @Override
                public void progressing() {
                    Blocking.await(() -> transitions.move(d.id, EnumSet.of(DeploymentState.APPLYING), DeploymentState.PROGRESSING, x -> {
                    }));
                }

                @Override
                public void beforeTrafficMoves() throws DeployFailure {
                    trafficMoving.add(d.id);
                    if (Thread.interrupted() || !Blocking.await(() -> transitions.markTrafficMoving(d.id))) {
                        trafficMoving.remove(d.id);
                        throw new DeployFailure("abandoned: the deployment was cancelled or timed out before it took the traffic");
                    }
                }

                @Override
                public void trafficMoved() {
                    becameAvailable(d, target, before.isEmpty() ? null : before.get(0));
                }
            });
        } catch (DeployFailure failure) {
            if (finish(d.id, failure.getMessage())) {
                rollBackIfAsked(d);
            }
        } catch (InterruptedException e) {
            // abandoned (already CANCELLED or FAILED: nothing changes) or deploy-service stops
            finish(d.id, "deploy-service stopped during the rollout");
        } catch (RuntimeException e) {
            Log.errorf(e, "deployment %s failed unexpectedly", d.id);
            if (finish(d.id, "internal error in deploy-service (" + e.getClass().getSimpleName() + "); see its log")) {
                rollBackIfAsked(d);
            }
        } finally {
            runningOn.remove(d.id, Thread.currentThread());
            trafficMoving.remove(d.id);
            active.remove(d.id);
            wake();
        }
    }

    /**
     * A service with {@code auto_rollback} gets what served before its failed rollout back, as it
     * ran, when the failure touched what serves (traffic had moved): a rollout that failed before
     * that left the old replicas serving, and redeploying them would only restart them. Not when a
     * newer deployment was asked for meanwhile (it goes ahead), nor for a failed rollback itself.
     */
    private void rollBackIfAsked(Deployment failed) {
        if ("auto-rollback".equals(failed.trigger)) {
            return;
        }
        try {
            Blocking.await(() -> tx.write(() -> services.find(failed.serviceId).chain(service -> {
                if (service == null || !service.runtime().path("auto_rollback").asBoolean(false)) {
                    return Uni.createFrom().voidItem();
                }
                return requests.rollbackWanted(failed.id).chain(wanted -> !wanted ? Uni.createFrom().voidItem()
                        : requests.running(failed.serviceId).chain(serving -> serving == null ? Uni.createFrom().voidItem()
                        : requests.redeploy(service, serving, serving.replicas, "auto-rollback", "deploy-service").invoke(view ->
                                Log.infof("deployment %s failed: rolling back to deployment %s as %s", failed.id, serving.id, view.id()))
                                .replaceWithVoid()));
            })));
        } catch (RuntimeException e) {
            Log.errorf("could not roll back after deployment %s failed: %s", failed.id, e.toString());
        }
    }

    /**
     * AVAILABLE and the service's previous AVAILABLE one SUPERSEDED, in one transaction. If it lost
     * a race meanwhile (the service was deleted), what it just started must not stay.
     */
    private void becameAvailable(Deployment d, DeployTarget target, String servedOn) {
        if (Blocking.await(() -> transitions.makeAvailable(d.id)) != null) {
            if (servedOn != null && !servedOn.equals(d.cluster)) {
                leave(servedOn, d);
            }
            return;
        }
        Log.warnf("deployment %s took the traffic after it was stopped (its service deleted?)", d.id);
        if (Blocking.await(() -> services.find(d.serviceId)) == null) {
            try {
                target.remove(d.serviceId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The service moved to another cluster and serves there: what ran on the one it left goes. */
    private void leave(String cluster, Deployment d) {
        try {
            targets.require(cluster).remove(d.serviceId);
            Log.infof("deployment %s serves on cluster '%s': removed the service from cluster '%s'", d.id, d.cluster, cluster);
        } catch (DeployFailure | RuntimeException e) {
            Log.errorf("deployment %s serves on cluster '%s', but the service could not be removed from cluster '%s' (remove it by hand): %s",
                    d.id, d.cluster, cluster, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fails a rollout in flight; false when it was no longer in flight (cancelled, timed out, finished). */
    private boolean finish(UUID id, String reason) {
        try {
            return Blocking.await(() -> transitions.move(id, RUNNING, DeploymentState.FAILED, x -> x.reason = reason)) != null;
        } catch (RuntimeException e) {
            Log.errorf("could not record the failure of deployment %s: %s", id, e.toString());
            return false;
        }
    }

    /** At start: rollouts this worker held were cut short by its stop. */
    private void failInterrupted() {
        List<String> held = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where worker = $1 "
                + "and state in ('APPLYING', 'PROGRESSING')").execute(Tuple.of(worker))
                .map(Rows::firstColumn));
        held.forEach(id -> finish(UUID.fromString(id), "deploy-service restarted during the rollout; deploy again"));
    }

    /**
     * At start: the target is brought in line with what was recorded. Replicas of serving
     * deployments run and take traffic again (after a restart of the engine or the machine);
     * replicas of deployments that are neither serving nor in flight on another instance go.
     */
    private void reconcile() throws InterruptedException, DeployFailure {
        // one per service, the newest, should an older one still be recorded as AVAILABLE
        // only the local target needs it: a cluster keeps what was applied
        List<String> serving = Blocking.await(() -> pool.preparedQuery("select distinct on (service_id) cast(id as text) from deployments "
                + "where state = 'AVAILABLE' and cluster = 'local' order by service_id, id desc").execute().map(Rows::firstColumn));
        List<String> inFlight = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where state in "
                + "('APPLYING', 'PROGRESSING') and cluster = 'local'").execute().map(Rows::firstColumn));
        targets.local().reconcile(ids(serving), ids(inFlight), line -> Log.infof("reconcile: %s", line));
    }

    private static Set<UUID> ids(List<String> ids) {
        Set<UUID> out = new java.util.HashSet<>();
        ids.forEach(id -> out.add(UUID.fromString(id)));
        return out;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

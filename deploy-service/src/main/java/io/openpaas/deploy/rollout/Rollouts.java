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
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
    private final DeployTarget target;
    private final DeploymentTransitions transitions;
    private final DeploymentMapper mapper;
    private final Transactions tx;
    private final Pool pool;
    private final DeploymentRequests requests;
    private final ServiceRuntimes services;
    private final String worker;
    private final java.util.Map<UUID, java.util.concurrent.Future<?>> active = new ConcurrentHashMap<>();
    private final Set<UUID> trafficMoving = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private ExecutorService workers;
    private ExecutorService pumper;
    private volatile boolean started;

    public Rollouts(DeployConfig config, DeployTarget target, DeploymentTransitions transitions, DeploymentMapper mapper, Transactions tx,
            Pool pool, DeploymentRequests requests, ServiceRuntimes services) {
        this.requests = requests;
        this.services = services;
        this.config = config;
        this.target = target;
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
            try {
                failInterrupted();
                reconcile();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf("could not bring the rollouts this worker held before it restarted in line: %s", e.toString());
            }
            started = true;
            pump();
        });
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
                    Blocking.await(() -> transitions.move(UUID.fromString(id), EnumSet.of(DeploymentState.AVAILABLE), DeploymentState.SUPERSEDED,
                            d -> d.reason = "the service was deleted"));
                }
                target.remove(serviceId);
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
        var running = active.get(id);
        if (running != null && !trafficMoving.contains(id)) {
            running.cancel(true);
        }
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

    /** Any instance's rollout past its deadline (its worker may be gone for good) is failed. */
    private void failOverdue() {
        List<String> overdue = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where state in "
                + "('APPLYING', 'PROGRESSING') and deadline_at < now()").execute().map(Rows::firstColumn));
        overdue.forEach(id -> {
            finish(UUID.fromString(id), "the rollout did not finish within " + config.rolloutDeadline().toSeconds() + " s");
            abandon(UUID.fromString(id));
        });
    }

    /** This instance's rollouts that were cancelled or failed elsewhere (another instance's API call) are abandoned. */
    private void abandonStopped() {
        if (active.isEmpty()) {
            return;
        }
        List<String> stopped = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where id = any($1) "
                + "and state not in ('APPLYING', 'PROGRESSING')").execute(Tuple.of(active.keySet().toArray(new UUID[0])))
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
                // registered before it runs, so that an abandon between the two is not lost
                var task = new java.util.concurrent.FutureTask<Void>(() -> run(next), null) {
                    @Override
                    protected void done() {
                        // also when abandoned before it ran: its slot is free again
                        trafficMoving.remove(next.id);
                        active.remove(next.id);
                        wake();
                    }
                };
                active.put(next.id, task);
                workers.execute(task);
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
                        + "order by d.created_at desc limit 1", String.class).getResultList()))
                .chain(ids -> {
                    if (ids.isEmpty()) {
                        return Uni.createFrom().<Deployment>nullItem();
                    }
                    UUID id = UUID.fromString(ids.get(0));
                    return transitions.moveInTransaction(id, EnumSet.of(DeploymentState.PENDING), DeploymentState.APPLYING, d -> {
                        d.worker = worker;
                        d.startedAt = DeploymentTransitions.now();
                        d.deadlineAt = d.startedAt.plus(config.rolloutDeadline());
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
        try {
            target.apply(mapper.spec(d), new RolloutProgress() {
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
                    becameAvailable(d);
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
            finish(d.id, "internal error in deploy-service (" + e.getClass().getSimpleName() + "); see its log");
        }
    }

    /**
     * A service with {@code auto_rollback} gets what served before its failed rollout back, as it
     * ran (a rollout that fails on its own rollback is not rolled back again).
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
                return requests.running(failed.serviceId).chain(serving -> serving == null ? Uni.createFrom().voidItem()
                        : requests.redeploy(service, serving, serving.replicas, "auto-rollback", "deploy-service").invoke(view ->
                                Log.infof("deployment %s failed: rolling back to deployment %s as %s", failed.id, serving.id, view.id()))
                                .replaceWithVoid());
            })));
        } catch (RuntimeException e) {
            Log.errorf("could not roll back after deployment %s failed: %s", failed.id, e.toString());
        }
    }

    private void becameAvailable(Deployment d) {
        Deployment available = Blocking.await(() -> transitions.move(d.id, RUNNING, DeploymentState.AVAILABLE, x -> {
        }));
        if (available != null) {
            supersedePreviousAvailable(d);
        } else {
            Log.warnf("deployment %s took the traffic after it was failed (past its deadline); it serves", d.id);
        }
    }

    /**
     * Only older ones (ids are time-ordered): the service's next rollout may already be AVAILABLE
     * by the time this runs, since a rollout is AVAILABLE as soon as traffic moved.
     */
    private void supersedePreviousAvailable(Deployment d) {
        List<String> previous = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where service_id = $1 "
                + "and state = 'AVAILABLE' and id < $2").execute(Tuple.of(d.serviceId, d.id))
                .map(Rows::firstColumn));
        for (String id : previous) {
            Blocking.await(() -> transitions.move(UUID.fromString(id), EnumSet.of(DeploymentState.AVAILABLE), DeploymentState.SUPERSEDED,
                    x -> x.reason = "replaced by deployment " + d.id));
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
    private void reconcile() throws InterruptedException {
        List<String> serving = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where state = 'AVAILABLE'")
                .execute().map(Rows::firstColumn));
        List<String> inFlight = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where state in "
                + "('APPLYING', 'PROGRESSING')").execute().map(Rows::firstColumn));
        target.reconcile(ids(serving), ids(inFlight), line -> Log.infof("reconcile: %s", line));
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

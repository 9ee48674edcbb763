package io.openpaas.deploy.rollout;

import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Rows;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
import io.openpaas.deploy.deployments.service.DeploymentTransitions;
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
 * or FAILED through the target, and the service's previous AVAILABLE one becomes SUPERSEDED. At
 * start, rollouts this worker held when it stopped are failed: nothing stays in flight for ever.
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
    private final String worker;
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private ExecutorService workers;
    private ExecutorService pumper;
    private volatile boolean started;

    public Rollouts(DeployConfig config, DeployTarget target, DeploymentTransitions transitions, DeploymentMapper mapper, Transactions tx,
            Pool pool) {
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
            } catch (RuntimeException e) {
                Log.errorf("could not fail the rollouts this worker held before it restarted: %s", e.toString());
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

    @Scheduled(every = "${openpaas.deploy.sweep-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        wake();
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
                        + "order by d.created_at desc limit 1", String.class).getResultList()))
                .chain(ids -> {
                    if (ids.isEmpty()) {
                        return Uni.createFrom().<Deployment>nullItem();
                    }
                    UUID id = UUID.fromString(ids.get(0));
                    return transitions.moveInTransaction(id, EnumSet.of(DeploymentState.PENDING), DeploymentState.APPLYING, d -> {
                        d.worker = worker;
                        d.startedAt = DeploymentTransitions.now();
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
            });
            Deployment available = Blocking.await(() -> transitions.move(d.id, RUNNING, DeploymentState.AVAILABLE, x -> {
            }));
            if (available != null) {
                supersedePreviousAvailable(d);
            }
        } catch (DeployFailure failure) {
            finish(d.id, failure.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(d.id, "deploy-service stopped during the rollout");
        } catch (RuntimeException e) {
            Log.errorf(e, "deployment %s failed unexpectedly", d.id);
            finish(d.id, "internal error in deploy-service (" + e.getClass().getSimpleName() + "); see its log");
        } finally {
            active.remove(d.id);
            wake();
        }
    }

    private void supersedePreviousAvailable(Deployment d) {
        List<String> previous = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where service_id = $1 "
                + "and state = 'AVAILABLE' and id <> $2").execute(Tuple.of(d.serviceId, d.id))
                .map(Rows::firstColumn));
        for (String id : previous) {
            Blocking.await(() -> transitions.move(UUID.fromString(id), EnumSet.of(DeploymentState.AVAILABLE), DeploymentState.SUPERSEDED,
                    x -> x.reason = "replaced by deployment " + d.id));
        }
    }

    private void finish(UUID id, String reason) {
        try {
            Blocking.await(() -> transitions.move(id, RUNNING, DeploymentState.FAILED, x -> x.reason = reason));
        } catch (RuntimeException e) {
            Log.errorf("could not record the failure of deployment %s: %s", id, e.toString());
        }
    }

    /** At start: rollouts this worker held were cut short by its stop. */
    private void failInterrupted() {
        List<String> held = Blocking.await(() -> pool.preparedQuery("select cast(id as text) from deployments where worker = $1 "
                + "and state in ('APPLYING', 'PROGRESSING')").execute(Tuple.of(worker))
                .map(Rows::firstColumn));
        held.forEach(id -> finish(UUID.fromString(id), "deploy-service restarted during the rollout; deploy again"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

package io.openpaas.deploy.deployments.service;

import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.DeploymentState;
import io.openpaas.deploy.deployments.api.DeploymentRequest;
import io.openpaas.deploy.deployments.api.DeploymentView;
import io.openpaas.deploy.deployments.api.ServiceStatus;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
import io.openpaas.deploy.deployments.repository.DeploymentRepository;
import io.openpaas.deploy.rollout.Rollouts;
import io.openpaas.deploy.sources.ServiceRuntimes;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/** Business rules of deployments as users ask for them: who may deploy and read, what may be deployed, one PENDING per request. */
@ApplicationScoped
public class DeploymentRequests {

    private final DeploymentRepository deployments;
    private final ServiceRuntimes services;
    private final ProjectAuthorizer authorizer;
    private final DeploymentTransitions transitions;
    private final DeploymentMapper mapper;
    private final Transactions tx;
    private final Idempotency idempotency;
    private final Rollouts rollouts;

    private final io.openpaas.deploy.secrets.RolloutSecrets secrets;

    public DeploymentRequests(DeploymentRepository deployments, ServiceRuntimes services, ProjectAuthorizer authorizer,
            DeploymentTransitions transitions, DeploymentMapper mapper, Transactions tx, Idempotency idempotency, Rollouts rollouts,
            io.openpaas.deploy.secrets.RolloutSecrets secrets) {
        this.secrets = secrets;
        this.deployments = deployments;
        this.services = services;
        this.authorizer = authorizer;
        this.transitions = transitions;
        this.mapper = mapper;
        this.tx = tx;
        this.idempotency = idempotency;
        this.rollouts = rollouts;
    }

    public Uni<Idempotency.Outcome<DeploymentView>> request(Caller caller, UUID serviceId, DeploymentRequest request, String key) {
        DeploymentRequest asked = request == null ? new DeploymentRequest(null, null) : request;
        if (asked.buildId() != null && asked.image() != null) {
            throw ProblemException.invalidField("image", "give a build_id or an image, not both");
        }
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.DEVELOPER))
                .chain(service -> image(service, asked).chain(image -> tx.write(() -> idempotency.once(key, caller.userId(),
                        Map.of("service", serviceId, "request", asked), DeploymentView.class,
                        () -> enqueue(service, image, asked.buildId(), "api", caller.userId())))))
                .invoke(rollouts::wake);
    }

    private Uni<String> image(ServiceRuntimes.ServiceRuntime service, DeploymentRequest asked) {
        if (asked.image() != null) {
            return Uni.createFrom().item(asked.image());
        }
        if (asked.buildId() != null) {
            return services.builtImage(service.serviceId(), asked.buildId()).onItem().ifNull()
                    .failWith(() -> ProblemException.invalidField("build_id", "is not a successful build of this service"));
        }
        if (service.image() != null) {
            return Uni.createFrom().item(service.image());
        }
        throw ProblemException.invalidField("build_id", "give a build_id or an image: the service has no image of its own");
    }

    /**
     * Queues a deployment of {@code image} with the service's runtime of now, in the caller's
     * transaction, with its {@code pending} event: {@code replicas} of it, or the service's desired
     * count when null.
     */
    public Uni<DeploymentView> enqueue(ServiceRuntimes.ServiceRuntime service, String image, UUID buildId, String trigger, String requestedBy,
            Integer replicas) {
        var spec = ServiceRuntimes.spec(service, Ids.newId(), image);
        return persist(replicas == null ? spec : spec.withReplicas(replicas), service.cluster(), buildId, trigger, requestedBy);
    }

    /** As above, keeping the number of replicas running now (a scale stays), or the service's when nothing runs. */
    public Uni<DeploymentView> enqueue(ServiceRuntimes.ServiceRuntime service, String image, UUID buildId, String trigger, String requestedBy) {
        return running(service.serviceId()).chain(running -> enqueue(service, image, buildId, trigger, requestedBy,
                running == null ? null : running.replicas));
    }

    /**
     * Queues an earlier deployment again, as it was (image and runtime), with {@code replicas}:
     * a rollback restores what ran, not the old image under today's settings.
     */
    public Uni<DeploymentView> redeploy(ServiceRuntimes.ServiceRuntime service, Deployment earlier, int replicas, String trigger,
            String requestedBy) {
        var spec = mapper.spec(earlier).asDeployment(Ids.newId(), service.projectSlug(), service.slug()).withReplicas(replicas);
        // a cluster replaces pods only when their template changes: a restart says when it was asked
        return persist("restart".equals(trigger) ? spec.restartedAt(DeploymentTransitions.now()) : spec, service.cluster(), earlier.buildId,
                trigger, requestedBy);
    }

    /** Stamped with the cluster the service's project deploys to now: a rollback goes there too. */
    private Uni<DeploymentView> persist(io.openpaas.deploy.targets.WorkloadSpec asked, String cluster, UUID buildId, String trigger,
            String requestedBy) {
        // the groups linked to the service now (a rollback too: secrets are not rolled back), their values come at the rollout
        return secrets.linkedGroups(asked.serviceId()).chain(groups -> store(asked.withSecretGroups(groups), cluster, buildId, trigger,
                requestedBy));
    }

    private Uni<DeploymentView> store(io.openpaas.deploy.targets.WorkloadSpec spec, String cluster, UUID buildId, String trigger,
            String requestedBy) {
        Deployment d = new Deployment();
        d.cluster = cluster;
        d.id = spec.deploymentId();
        d.projectId = spec.projectId();
        d.serviceId = spec.serviceId();
        d.state = DeploymentState.PENDING;
        d.trigger = trigger;
        d.requestedBy = requestedBy;
        d.image = spec.image();
        d.buildId = buildId;
        d.replicas = spec.replicas();
        d.spec = mapper.write(spec);
        d.createdAt = DeploymentTransitions.now();
        return deployments.persist(d).call(deployments::flush).call(() -> transitions.announce(d)).map(mapper::toView);
    }

    /**
     * Whether a failed rollout calls for an automatic rollback: it had moved traffic (what served
     * before was touched) and nothing newer was asked for since.
     */
    public Uni<Boolean> rollbackWanted(UUID failedId) {
        return deployments.findById(failedId).chain(failed -> failed == null || failed.trafficMovedAt == null ? Uni.createFrom().item(false)
                : deployments.count("serviceId = ?1 and id > ?2 and state in ?3", failed.serviceId, failed.id,
                        java.util.List.of(DeploymentState.PENDING, DeploymentState.APPLYING, DeploymentState.PROGRESSING, DeploymentState.AVAILABLE))
                        .map(newer -> newer == 0));
    }

    /** The newest deployment asked for that is not over (pending, rolling out or serving), or null. */
    public Uni<Deployment> latestAsked(UUID serviceId) {
        return deployments.find("serviceId = ?1 and state in ?2 order by id desc", serviceId, java.util.List.of(DeploymentState.PENDING,
                DeploymentState.APPLYING, DeploymentState.PROGRESSING, DeploymentState.AVAILABLE)).firstResult();
    }

    /** The deployment serving the service now, or null. */
    public Uni<Deployment> running(UUID serviceId) {
        return deployments.find("serviceId = ?1 and state = ?2 order by id desc", serviceId, DeploymentState.AVAILABLE).firstResult();
    }

    /** A new deployment of what runs now with {@code replicas} (0 stops the service), within the service's maximum. */
    public Uni<DeploymentView> scale(Caller caller, UUID serviceId, int replicas) {
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.DEVELOPER))
                .chain(service -> {
                    int max = service.runtime().path("replicas").path("max").asInt(10);
                    if (replicas > max) {
                        throw ProblemException.invalidField("replicas", "must be at most the service's replicas.max (" + max + ")");
                    }
                    return tx.write(() -> current(serviceId).chain(current -> {
                        if (current == null) {
                            throw ProblemException.conflict("the service has never been deployed: deploy it first");
                        }
                        return redeploy(service, current, replicas, "scale", caller.userId());
                    }));
                })
                .invoke(rollouts::wake);
    }

    /** A new deployment of what runs now: every replica replaced, the new ones healthy before the old ones go. */
    public Uni<DeploymentView> restart(Caller caller, UUID serviceId) {
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.DEVELOPER))
                .chain(service -> tx.write(() -> current(serviceId).chain(current -> {
                    if (current == null) {
                        throw ProblemException.conflict("the service has never been deployed: deploy it first");
                    }
                    return redeploy(service, current, current.replicas, "restart", caller.userId());
                })))
                .invoke(rollouts::wake);
    }

    /** A new deployment of an earlier one as it ran: the one given, or the last that ran before the current one. */
    public Uni<DeploymentView> rollback(Caller caller, UUID serviceId, UUID to) {
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.DEVELOPER))
                .chain(service -> tx.write(() -> earlier(serviceId, to).chain(target -> {
                    if (target == null) {
                        throw to == null ? ProblemException.conflict("there is no earlier deployment that ran to roll back to")
                                : ProblemException.invalidField("deployment_id", "is not a deployment of this service that ran");
                    }
                    return redeploy(service, target, target.replicas, "rollback", caller.userId());
                })))
                .invoke(rollouts::wake);
    }

    /** The deployment that runs now (AVAILABLE), or the newest one when none does. */
    private Uni<Deployment> current(UUID serviceId) {
        return running(serviceId)
                .chain(d -> d != null ? Uni.createFrom().item(d) : deployments.find("serviceId = ?1 order by id desc", serviceId).firstResult());
    }

    private Uni<Deployment> earlier(UUID serviceId, UUID to) {
        if (to != null) {
            return deployments.find("id = ?1 and serviceId = ?2 and state in ?3", to, serviceId,
                    java.util.List.of(DeploymentState.AVAILABLE, DeploymentState.SUPERSEDED)).firstResult();
        }
        // the newest one that ran and was replaced: what served before the current one
        return deployments.find("serviceId = ?1 and state = ?2 and startedAt is not null order by id desc", serviceId,
                DeploymentState.SUPERSEDED).firstResult();
    }

    @WithSession
    /** What runs: ready counts the running replicas of the serving deployment (not old ones still stopping). */
    public Uni<ServiceStatus> status(Caller caller, UUID serviceId, java.util.List<io.openpaas.deploy.targets.Replica> observed) {
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.VIEWER))
                .chain(service -> running(serviceId).chain(current -> deployments.find("serviceId = ?1 order by id desc", serviceId).firstResult()
                                .map(last -> {
                                    DeploymentView view = current == null ? null : mapper.toView(current);
                                    int ready = current == null ? 0 : (int) observed.stream()
                                            .filter(r -> r.healthy() && current.id.equals(r.deploymentId())).count();
                                    return new ServiceStatus(serviceId, current == null ? 0 : current.replicas, ready,
                                            current == null ? null : current.image, current == null ? null : current.id,
                                            current == null ? null : current.state.name(), last == null ? null : last.id,
                                            last == null ? null : last.state.name(),
                                            view == null || view.url() == null ? java.util.List.of() : java.util.List.of(view.url()));
                                })));
    }

    @WithSession
    public Uni<Page<DeploymentView>> list(Caller caller, UUID serviceId, UUID before, int limit) {
        return services.require(serviceId)
                .call(service -> authorizer.require(caller, service.projectId(), Roles.VIEWER))
                .chain(service -> deployments.pageOfService(serviceId, before, limit + 1))
                .map(rows -> Page.of(rows, limit, mapper::toView, d -> d.id));
    }

    @WithSession
    public Uni<DeploymentView> get(Caller caller, UUID id) {
        return read(caller, id).map(mapper::toView);
    }

    /** A deployment the caller may read (project viewers). */
    public Uni<Deployment> read(Caller caller, UUID id) {
        return load(caller, id, Roles.VIEWER);
    }

    public Uni<DeploymentView> cancel(Caller caller, UUID id) {
        return tx.write(() -> load(caller, id, Roles.DEVELOPER).chain(d -> {
            if (!DeploymentState.IN_FLIGHT.contains(d.state)) {
                throw ProblemException.conflict("deployment " + id + " is no longer in flight (" + d.state + ")");
            }
            // forget the copy read to authorize: the lock below must read the row as it is now
            return deployments.getSession().invoke(session -> session.clear()).chain(() -> transitions.moveInTransaction(id, DeploymentState.IN_FLIGHT, DeploymentState.CANCELLED, moved -> {
                if (moved.trafficMovedAt != null) {
                    // decided under the row lock the rollout takes to move traffic: one or the other wins
                    throw ProblemException.conflict("deployment " + id + " already took the traffic and is finishing; roll back instead");
                }
                moved.reason = "cancelled by " + caller.userId();
            }));
        })).map(moved -> {
            if (moved == null) {
                throw ProblemException.conflict("deployment " + id + " is no longer in flight");
            }
            rollouts.abandon(id);
            rollouts.wake();
            return mapper.toView(moved);
        });
    }

    private Uni<Deployment> load(Caller caller, UUID id, String role) {
        return deployments.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("deployment", id))
                .call(d -> authorizer.require(caller, d.projectId, role)
                        .onFailure(ProblemException.class).transform(e -> ((ProblemException) e).type().status() == 404
                                ? ProblemException.notFound("deployment", id) : e));
    }
}

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

    public DeploymentRequests(DeploymentRepository deployments, ServiceRuntimes services, ProjectAuthorizer authorizer,
            DeploymentTransitions transitions, DeploymentMapper mapper, Transactions tx, Idempotency idempotency, Rollouts rollouts) {
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

    /** Queues a deployment in the caller's transaction, with its {@code pending} event. */
    public Uni<DeploymentView> enqueue(ServiceRuntimes.ServiceRuntime service, String image, UUID buildId, String trigger, String requestedBy) {
        Deployment d = new Deployment();
        d.id = Ids.newId();
        d.projectId = service.projectId();
        d.serviceId = service.serviceId();
        d.state = DeploymentState.PENDING;
        d.trigger = trigger;
        d.requestedBy = requestedBy;
        d.image = image;
        d.buildId = buildId;
        var spec = ServiceRuntimes.spec(service, d.id, image);
        d.replicas = spec.replicas();
        d.spec = mapper.write(spec);
        d.createdAt = DeploymentTransitions.now();
        return deployments.persist(d).call(deployments::flush).call(() -> transitions.announce(d)).map(mapper::toView);
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
        return load(caller, id, Roles.VIEWER).map(mapper::toView);
    }

    public Uni<DeploymentView> cancel(Caller caller, UUID id) {
        return tx.write(() -> load(caller, id, Roles.DEVELOPER).chain(d -> {
            if (!DeploymentState.IN_FLIGHT.contains(d.state)) {
                throw ProblemException.conflict("deployment " + id + " is no longer in flight (" + d.state + ")");
            }
            return transitions.moveInTransaction(id, DeploymentState.IN_FLIGHT, DeploymentState.CANCELLED,
                    moved -> moved.reason = "cancelled by " + caller.userId());
        })).map(moved -> {
            if (moved == null) {
                throw ProblemException.conflict("deployment " + id + " is no longer in flight");
            }
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

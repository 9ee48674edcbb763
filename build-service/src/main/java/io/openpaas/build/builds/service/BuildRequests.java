package io.openpaas.build.builds.service;

import io.openpaas.build.builds.Build;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.builds.api.BuildRequest;
import io.openpaas.build.builds.api.BuildView;
import io.openpaas.build.builds.mapping.BuildMapper;
import io.openpaas.build.builds.repository.BuildRepository;
import io.openpaas.build.config.BuildConfig;
import io.openpaas.build.execution.BuildDispatcher;
import io.openpaas.build.sources.BuildPaths;
import io.openpaas.build.sources.RepositoryPolicy;
import io.openpaas.build.sources.ServiceSource;
import io.openpaas.build.sources.ServiceSources;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/**
 * Business rules of builds as users ask for them: who may build and read, what may be built
 * (a Git service, from an allowed repository, with paths inside it), one QUEUED build and its
 * event per request, and cancel in every state before a final one.
 */
@ApplicationScoped
public class BuildRequests {

    private final BuildRepository builds;
    private final ServiceSources sources;
    private final ProjectAuthorizer authorizer;
    private final RepositoryPolicy repositories;
    private final BuildTransitions transitions;
    private final BuildMapper mapper;
    private final Transactions tx;
    private final Idempotency idempotency;
    private final BuildDispatcher dispatcher;
    private final BuildConfig config;

    public BuildRequests(BuildRepository builds, ServiceSources sources, ProjectAuthorizer authorizer, RepositoryPolicy repositories,
            BuildTransitions transitions, BuildMapper mapper, Transactions tx, Idempotency idempotency, BuildDispatcher dispatcher,
            BuildConfig config) {
        this.builds = builds;
        this.sources = sources;
        this.authorizer = authorizer;
        this.repositories = repositories;
        this.transitions = transitions;
        this.mapper = mapper;
        this.tx = tx;
        this.idempotency = idempotency;
        this.dispatcher = dispatcher;
        this.config = config;
    }

    public Uni<Idempotency.Outcome<BuildView>> request(Caller caller, UUID serviceId, BuildRequest request, String key) {
        BuildRequest asked = request == null ? new BuildRequest(null, null) : request;
        if (asked.branch() != null && asked.commit() != null) {
            throw ProblemException.invalidField("commit", "give a branch or a commit, not both");
        }
        return sources.require(serviceId)
                .call(source -> authorizer.require(caller, source.projectId(), Roles.DEVELOPER))
                .call(this::checkSource)
                .chain(source -> tx.write(() -> idempotency.once(key, caller.userId(), Map.of("service", serviceId, "request", asked),
                        BuildView.class, () -> enqueue(source, asked.branch(), asked.commit(), "api", caller.userId()))))
                .invoke(dispatcher::wake);
    }

    /** Queues a build of the source in the caller's transaction, with its {@code queued} event. */
    public Uni<BuildView> enqueue(ServiceSource source, String branch, String commit, String trigger, String requestedBy) {
        Build b = new Build();
        b.id = Ids.newId();
        b.projectId = source.projectId();
        b.serviceId = source.serviceId();
        b.state = BuildState.QUEUED;
        b.trigger = trigger;
        b.requestedBy = requestedBy;
        b.repository = source.repository();
        b.branch = commit != null ? null : branch != null ? branch : source.branch() != null ? source.branch() : "main";
        b.requestedCommit = commit;
        b.dockerfile = source.dockerfile();
        b.context = source.context();
        b.executor = config.executor();
        b.createdAt = BuildTransitions.now();
        return builds.persist(b).call(builds::flush).call(() -> transitions.announce(b)).map(mapper::toView);
    }

    /**
     * The checks a build request must pass before anything is queued: a Git service, an allowed
     * repository (its host resolved off the event loop, as DNS blocks), paths inside it.
     */
    public Uni<Void> checkSource(ServiceSource source) {
        if (!source.buildable()) {
            throw new ProblemException(ProblemType.CONFLICT, "service '" + source.slug() + "' runs a prebuilt image; there is nothing to build");
        }
        BuildPaths.checkText("build_source.dockerfile", source.dockerfile());
        BuildPaths.checkText("build_source.context", source.context());
        String host = repositories.checkSyntax(source.repository());
        return Blocking.offEventLoop(() -> {
            repositories.checkAddresses(host);
            return null;
        });
    }

    @WithSession
    public Uni<Page<BuildView>> list(Caller caller, UUID serviceId, UUID before, int limit) {
        return sources.require(serviceId)
                .call(source -> authorizer.require(caller, source.projectId(), Roles.VIEWER))
                .chain(source -> builds.pageOfService(serviceId, before, limit + 1))
                .map(rows -> Page.of(rows, limit, mapper::toView, b -> b.id));
    }

    @WithSession
    public Uni<BuildView> get(Caller caller, UUID id) {
        return load(caller, id, Roles.VIEWER).map(mapper::toView);
    }

    /** The build if the caller may read it; a build of a project the caller cannot see is 404. */
    @WithSession
    public Uni<Build> readable(Caller caller, UUID id) {
        return load(caller, id, Roles.VIEWER);
    }

    public Uni<BuildView> cancel(Caller caller, UUID id) {
        return tx.write(() -> load(caller, id, Roles.DEVELOPER).chain(b -> {
            if (b.state.isFinal()) {
                throw ProblemException.conflict("build " + id + " has already ended (" + b.state + ")");
            }
            return transitions.moveInTransaction(id, BuildState.OPEN, BuildState.CANCELLED,
                    moved -> moved.reason = "cancelled by " + caller.userId());
        })).chain(moved -> {
            if (moved == null) {
                // it ended between the check and the lock
                throw ProblemException.conflict("build " + id + " has already ended");
            }
            dispatcher.stopLocal(id);
            return Uni.createFrom().item(mapper.toView(moved));
        });
    }

    private Uni<Build> load(Caller caller, UUID id, String role) {
        return builds.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("build", id))
                .call(b -> authorizer.require(caller, b.projectId, role)
                        .onFailure(ProblemException.class).transform(e -> ((ProblemException) e).type().status() == 404
                                ? ProblemException.notFound("build", id) : e));
    }
}

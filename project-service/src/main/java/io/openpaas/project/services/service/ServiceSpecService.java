package io.openpaas.project.services.service;

import io.openpaas.common.api.ETags;
import io.openpaas.common.api.Idempotency;
import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.Roles;
import io.openpaas.project.members.service.ProjectAccess;
import io.openpaas.project.projects.service.Slugs;
import io.openpaas.project.services.ServiceSpec;
import io.openpaas.project.services.api.BuildSource;
import io.openpaas.project.services.api.CreateServiceRequest;
import io.openpaas.project.services.api.ServiceTypes;
import io.openpaas.project.services.api.ServiceView;
import io.openpaas.project.services.api.UpdateServiceRequest;
import io.openpaas.project.services.mapping.ServiceSpecMapper;
import io.openpaas.project.services.repository.ServiceSpecRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Business rules of services: unique slug per project, a coherent build source, an event per change. */
@ApplicationScoped
public class ServiceSpecService {

    private final ServiceSpecRepository services;
    private final ProjectAccess access;
    private final ServiceSpecMapper mapper;
    private final Outbox outbox;
    private final Transactions tx;
    private final Idempotency idempotency;

    public ServiceSpecService(ServiceSpecRepository services, ProjectAccess access, ServiceSpecMapper mapper, Outbox outbox,
            Transactions tx, Idempotency idempotency) {
        this.services = services;
        this.access = access;
        this.mapper = mapper;
        this.outbox = outbox;
        this.tx = tx;
        this.idempotency = idempotency;
    }

    public Uni<Idempotency.Outcome<ServiceView>> create(Caller caller, UUID projectId, CreateServiceRequest request, String key) {
        checkBuildSource(request.buildSource());
        String slug = request.slug() != null ? request.slug() : Slugs.fromName(request.name());
        if (slug.isEmpty()) {
            throw ProblemException.invalidField("slug", "cannot be derived from the name; give one");
        }
        return tx.write(() -> access.require(caller, projectId, Roles.DEVELOPER)
                .chain(project -> idempotency.once(key, caller.userId(), Map.of("project", projectId, "request", request), ServiceView.class,
                        () -> services.slugTaken(projectId, slug).chain(taken -> {
                            if (taken) {
                                throw ProblemException.conflict("slug '" + slug + "' is already used in project '" + project.slug + "'");
                            }
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            ServiceSpec s = new ServiceSpec();
                            s.id = Ids.newId();
                            s.projectId = projectId;
                            s.name = request.name().strip();
                            s.slug = slug;
                            s.type = request.type() == null ? ServiceTypes.DEFAULT : request.type();
                            s.buildSource = mapper.write(request.buildSource());
                            s.ports = mapper.write(request.ports() == null ? List.of() : request.ports());
                            // defaults stored explicitly, but the health check's port stays "the first port" unless given
                            s.runtime = mapper.write(request.runtime().withDefaults(request.buildSource(), List.of()));
                            checkRuntime(mapper.runtime(s), request.ports());
                            s.createdAt = now;
                            s.updatedAt = now;
                            return services.persist(s).call(services::flush)
                                    .map(mapper::toView)
                                    .call(view -> outbox.append(Domain.SERVICE, projectId, "created", s.id, view));
                        }))));
    }

    @WithSession
    public Uni<Page<ServiceView>> list(Caller caller, UUID projectId, UUID after, int limit) {
        return access.require(caller, projectId, Roles.VIEWER)
                .chain(project -> services.pageOfProject(projectId, after, limit + 1))
                .map(rows -> Page.of(rows, limit, mapper::toView, s -> s.id));
    }

    @WithSession
    public Uni<ServiceView> get(Caller caller, UUID id) {
        return load(caller, id, Roles.VIEWER).map(mapper::toView);
    }

    public Uni<ServiceView> update(Caller caller, UUID id, UpdateServiceRequest patch, String ifMatch) {
        if (patch.buildSource() != null) {
            checkBuildSource(patch.buildSource());
        }
        return tx.write(() -> load(caller, id, Roles.DEVELOPER).chain(s -> {
            ETags.checkIfMatch(ifMatch, s.version);
            boolean changed = mapper.applyPatch(s, patch);
            checkRuntime(mapper.runtime(s), mapper.toView(s).ports());
            if (!changed) {
                return Uni.createFrom().item(mapper.toView(s));
            }
            s.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return services.flush().map(v -> mapper.toView(s))
                    .call(view -> outbox.append(Domain.SERVICE, s.projectId, "updated", s.id, view));
        }));
    }

    public Uni<Void> delete(Caller caller, UUID id, String ifMatch) {
        return tx.write(() -> load(caller, id, Roles.OWNER).chain(s -> {
            ETags.checkIfMatch(ifMatch, s.version);
            return services.delete(s).call(() -> deletedEvent(s));
        }));
    }

    /** Deletes every service of a project being deleted, each with its event; runs in the caller's transaction. */
    public Uni<Void> deleteAllOf(UUID projectId) {
        return services.allOfProject(projectId).chain(list -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ServiceSpec s : list) {
                chain = chain.call(() -> services.delete(s)).call(() -> deletedEvent(s));
            }
            return chain;
        });
    }

    private Uni<?> deletedEvent(ServiceSpec s) {
        return outbox.append(Domain.SERVICE, s.projectId, "deleted", s.id, Map.of("id", s.id, "project_id", s.projectId, "slug", s.slug));
    }

    /** A service is visible through its project: no access to the project reads as "no such service". */
    private Uni<ServiceSpec> load(Caller caller, UUID id, String role) {
        return services.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("service", id))
                .call(s -> access.require(caller, s.projectId, role)
                        .onFailure(ProblemException.class).transform(e -> ((ProblemException) e).type().status() == 404
                                ? ProblemException.notFound("service", id) : e));
    }

    private static void checkBuildSource(BuildSource source) {
        if ("git".equals(source.type())) {
            if (source.repository() == null || source.repository().isBlank()) {
                throw ProblemException.invalidField("build_source.repository", "is required when type is 'git'");
            }
            if (!source.repository().matches("^(https?|ssh|git|file)://\\S+$|^[\\w.-]+@[\\w.-]+:\\S+$")) {
                throw ProblemException.invalidField("build_source.repository", "must be a Git URL (https://, ssh://, git@host:path or file://)");
            }
            if (source.repository().matches("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*@.*") && !source.repository().startsWith("ssh://")
                    || source.repository().matches("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*:[^/@]*@.*")) {
                throw ProblemException.invalidField("build_source.repository", "must not contain a user name, password or token: set "
                        + "them as the service's Git credential (PUT /api/v1/services/{id}/git-credential), which is stored encrypted");
            }
            checkRelativePath("build_source.dockerfile", source.dockerfile());
            checkRelativePath("build_source.context", source.context());
            if (source.image() != null) {
                throw ProblemException.invalidField("build_source.image", "is only for type 'image'");
            }
        } else {
            if (source.image() == null || source.image().isBlank()) {
                throw ProblemException.invalidField("build_source.image", "is required when type is 'image'");
            }
            if (source.repository() != null) {
                throw ProblemException.invalidField("build_source.repository", "is only for type 'git'");
            }
            if (source.secrets() != null && !source.secrets().isEmpty()) {
                throw ProblemException.invalidField("build_source.secrets", "is only for type 'git' (an image is not built here)");
            }
            if (source.dockerfile() != null || source.context() != null) {
                throw ProblemException.invalidField(source.dockerfile() != null ? "build_source.dockerfile" : "build_source.context",
                        "is only for type 'git'");
            }
        }
    }

    /** Rules across fields: replicas within their bounds, a health check on one of the service's ports. */
    private static void checkRuntime(io.openpaas.project.services.api.RuntimeSpec runtime, List<io.openpaas.project.services.api.PortSpec> ports) {
        var n = runtime.replicas();
        if (n.min() > n.max()) {
            throw ProblemException.invalidField("replicas.min", "must not be above replicas.max (" + n.max() + ")");
        }
        if (n.desired() > n.max() || (n.desired() != 0 && n.desired() < n.min())) {
            throw ProblemException.invalidField("replicas.desired", "must be 0 (stopped) or between replicas.min (" + n.min()
                    + ") and replicas.max (" + n.max() + ")");
        }
        Integer port = runtime.healthCheck().port();
        if (port != null && ports != null && !ports.isEmpty() && ports.stream().noneMatch(p -> port.equals(p.port()))) {
            throw ProblemException.invalidField("health_check.port", "must be one of the service's ports");
        }
    }

    /** Dockerfile and context paths stay inside the repository: relative, no '..' (build-service checks the files again). */
    private static void checkRelativePath(String field, String path) {
        if (path == null) {
            return;
        }
        if (path.isBlank() || path.startsWith("/") || path.contains("\\") || java.util.Arrays.asList(path.split("/")).contains("..")) {
            throw ProblemException.invalidField(field, "must be a relative path inside the repository, without '..'");
        }
    }
}

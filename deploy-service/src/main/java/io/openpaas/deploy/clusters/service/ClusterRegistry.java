package io.openpaas.deploy.clusters.service;

import io.openpaas.deploy.targets.kubernetes.Kubeconfigs;
import io.openpaas.common.events.Domain;
import io.openpaas.common.json.Json;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Blocking;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.deploy.clusters.Cluster;
import io.openpaas.deploy.clusters.ClusterCredentials;
import io.openpaas.deploy.clusters.ClusterSettings;
import io.openpaas.deploy.clusters.api.ClusterList;
import io.openpaas.deploy.clusters.api.ClusterView;
import io.openpaas.deploy.clusters.api.RegisterClusterRequest;
import io.openpaas.deploy.clusters.repository.ClusterRepository;
import io.openpaas.deploy.rollout.DeployTargets;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.rancher.RancherTarget;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Business rules of clusters (docs/clusters.md): admins register and remove them; anyone signed
 * in reads them, never their credentials. A cluster a project names, or that still runs a
 * deployment, cannot be removed.
 */
@ApplicationScoped
public class ClusterRegistry {

    /** {@code local}'s fixed id: this machine is always a cluster. */
    public static final UUID LOCAL_ID = new UUID(0, 0);
    private final ClusterRepository clusters;
    private final DeployTargets targets;
    private final Transactions tx;
    private final Outbox outbox;
    private final Json json;

    public ClusterRegistry(ClusterRepository clusters, DeployTargets targets, Transactions tx, Outbox outbox, Json json) {
        this.clusters = clusters;
        this.targets = targets;
        this.tx = tx;
        this.outbox = outbox;
        this.json = json;
    }

    public Uni<ClusterView> register(Caller caller, RegisterClusterRequest request) {
        requireAdmin(caller);
        ClusterSettings settings = validate(request);
        if (DeployTargets.LOCAL.equals(request.name())) {
            throw ProblemException.conflict("'local' is this machine's cluster and always exists");
        }
        return tx.write(() -> clusters.findByName(request.name()).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("a cluster named '" + request.name() + "' is already registered");
            }
            Cluster c = new Cluster();
            c.id = Ids.newId();
            c.name = request.name();
            c.kind = request.kind();
            c.settings = json.write(settings);
            boolean secret = request.kubeconfig() != null || request.token() != null || request.gitToken() != null;
            c.credentials = secret ? targets.cipher().encrypt(c.id, DeployTargets.CREDENTIALS,
                    json.write(new ClusterCredentials(request.kubeconfig(), request.token(), request.gitToken()))) : null;
            c.createdBy = caller.userId();
            c.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return clusters.persist(c).call(clusters::flush).map(saved -> view(saved, null, null))
                    .call(view -> outbox.append(Domain.DEPLOY, null, "cluster_registered", c.id, view));
        }));
    }

    /**
     * What each kind needs, checked before anything is stored; a message never repeats a
     * credential. Only the settings the kind uses are kept, each URL checked whatever the kind.
     */
    private static ClusterSettings validate(RegisterClusterRequest r) {
        if (r.branch() != null && !org.eclipse.jgit.lib.Repository.isValidRefName("refs/heads/" + r.branch())) {
            throw ProblemException.invalidField("branch", "is not a valid branch name");
        }
        return switch (r.kind()) {
            case "kubernetes" -> {
                if (!Boolean.TRUE.equals(r.inCluster()) && (r.kubeconfig() == null || r.kubeconfig().isBlank())) {
                    throw ProblemException.invalidField("kubeconfig", "is required unless in_cluster is true");
                }
                if (r.kubeconfig() != null) {
                    try {
                        Kubeconfigs.load(r.kubeconfig());
                    } catch (IllegalArgumentException e) {
                        throw ProblemException.invalidField("kubeconfig", e.getMessage());
                    }
                }
                yield new ClusterSettings(Boolean.TRUE.equals(r.inCluster()), r.domain(), r.ingressClass(), r.tlsIssuer(), null, null, null, null,
                        null, null, null);
            }
            case "gitops" -> {
                if (r.repository() != null) {
                    requireGitUrl(r.repository());
                }
                yield new ClusterSettings(null, r.domain(), r.ingressClass(), r.tlsIssuer(), r.repository(), r.branch(), r.path(), null, null, null,
                        null);
            }
            case "argocd" -> {
                requireHttpUrl("url", r.url());
                requireText("token", r.token());
                requireGitUrl(r.repository());
                if (r.destinationServer() != null) {
                    requireHttpUrl("destination_server", r.destinationServer());
                }
                yield new ClusterSettings(null, r.domain(), r.ingressClass(), r.tlsIssuer(), r.repository(), r.branch(), r.path(), r.url(),
                        r.destinationServer(), r.argocdProject(), null);
            }
            case "rancher" -> {
                requireHttpUrl("url", r.url());
                requireText("token", r.token());
                requireText("rancher_cluster_id", r.rancherClusterId());
                yield new ClusterSettings(null, r.domain(), r.ingressClass(), r.tlsIssuer(), null, null, null, r.url(), null, null,
                        r.rancherClusterId());
            }
            default -> throw ProblemException.invalidField("kind", "one of kubernetes, gitops, argocd, rancher");
        };
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(field, "is required for this kind");
        }
    }

    private static void requireHttpUrl(String field, String value) {
        requireText(field, value);
        try {
            URI uri = URI.create(value);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(field, "must be an http(s) URL without credentials in it");
        }
    }

    /** https or ssh (a user name, no password), scp-like {@code git@host:path}, or an absolute path on this machine. */
    private static void requireGitUrl(String value) {
        requireText("repository", value);
        boolean ok;
        if (value.startsWith("/")) {
            ok = !value.contains("/../") && !value.endsWith("/..");
        } else if (value.matches("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:@]+")) {
            ok = true;
        } else {
            try {
                URI uri = URI.create(value);
                String user = uri.getRawUserInfo();
                ok = uri.getHost() != null && switch (String.valueOf(uri.getScheme())) {
                    case "https", "http" -> user == null;
                    case "ssh" -> user == null || !user.contains(":");
                    default -> false;
                };
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw ProblemException.invalidField("repository", "must be a Git URL (https, ssh) or an absolute path, without a password or token "
                    + "in it (give those as token or git_token)");
        }
    }

    @WithSession
    public Uni<ClusterList> list(Caller caller) {
        return clusters.allByName().chain(rows -> Blocking.offEventLoop(() -> {
            List<ClusterView> items = new ArrayList<>();
            items.add(localView());
            List<ClusterList.RancherClusterView> known = new ArrayList<>();
            for (Cluster c : rows) {
                items.add(view(c, null, null));
            }
            for (Cluster c : rows) {
                if ("rancher".equals(c.kind)) {
                    known.addAll(rancherClusters(c, rows));
                }
            }
            return new ClusterList(items, known);
        }));
    }

    private List<ClusterList.RancherClusterView> rancherClusters(Cluster rancher, List<Cluster> registered) {
        String url = json.read(rancher.settings, ClusterSettings.class).url();
        try {
            List<ClusterList.RancherClusterView> out = new ArrayList<>();
            for (RancherTarget.RancherCluster k : ((RancherTarget) targets.of(rancher)).knownClusters()) { // of() fails inside the try
                String as = registered.stream().filter(c -> "rancher".equals(c.kind) && json.read(c.settings, ClusterSettings.class).url().equals(url)
                        && k.id().equals(json.read(c.settings, ClusterSettings.class).rancherClusterId())).map(c -> c.name).findFirst().orElse(null);
                if (out.stream().noneMatch(o -> o.id().equals(k.id()))) {
                    out.add(new ClusterList.RancherClusterView(url, k.id(), k.name(), k.state(), as, null));
                }
            }
            return out;
        } catch (DeployFailure | RuntimeException e) {
            return List.of(new ClusterList.RancherClusterView(url, null, null, null, null, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** One cluster with its reachability, checked now within the call timeout. */
    @WithSession
    public Uni<ClusterView> get(Caller caller, UUID id) {
        if (LOCAL_ID.equals(id)) {
            return Blocking.offEventLoop(() -> probe(targets::local)).map(p -> withProbe(localView(), p));
        }
        return clusters.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("cluster", id))
                .chain(c -> Blocking.offEventLoop(() -> probe(() -> targets.of(c))).map(p -> view(c, p.reachable(), p.detail())));
    }

    private record Probe(boolean reachable, String detail) {
    }

    /** Asks the target whether it answers; a target that cannot even be built (its credentials do not unseal) is unreachable too. */
    private static Probe probe(java.util.function.Supplier<io.openpaas.deploy.targets.DeployTarget> target) {
        try {
            return new Probe(true, target.get().probe());
        } catch (DeployFailure | RuntimeException e) {
            return new Probe(false, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(false, "interrupted");
        }
    }

    public Uni<Void> remove(Caller caller, UUID id) {
        requireAdmin(caller);
        if (LOCAL_ID.equals(id)) {
            throw ProblemException.conflict("'local' is this machine's cluster and cannot be removed");
        }
        return tx.write(() -> clusters.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("cluster", id))
                .chain(c -> Panache.getSession().chain(session -> session.createNativeQuery("select (select count(*) from project_slugs "
                        + "where cluster = :n and not deleted) + (select count(*) from deployments where cluster = :n and state in "
                        + "('PENDING', 'APPLYING', 'PROGRESSING', 'AVAILABLE'))", Long.class).setParameter("n", c.name).getSingleResult())
                        .chain(users -> {
                            if (users > 0) {
                                throw ProblemException.conflict("cluster '" + c.name + "' is named by a project or runs a deployment: "
                                        + "move those projects to another cluster first");
                            }
                            return clusters.delete(c).call(clusters::flush)
                                    .call(() -> outbox.append(Domain.DEPLOY, null, "cluster_removed", c.id, view(c, null, null)))
                                    .invoke(() -> targets.forget(c.id));
                        })).replaceWithVoid());
    }

    private ClusterView view(Cluster c, Boolean reachable, String detail) {
        return new ClusterView(c.id, c.name, c.kind, json.read(c.settings, ClusterSettings.class), c.credentials != null, c.createdBy, c.createdAt,
                reachable, detail);
    }

    private static ClusterView localView() {
        return new ClusterView(LOCAL_ID, DeployTargets.LOCAL, "local", null, false, null, null, null, null);
    }

    private static ClusterView withProbe(ClusterView v, Probe p) {
        return new ClusterView(v.id(), v.name(), v.kind(), v.settings(), v.hasCredentials(), v.createdBy(), v.createdAt(), p.reachable(), p.detail());
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.admin()) {
            throw ProblemException.forbidden("only platform admins register and remove clusters");
        }
    }
}

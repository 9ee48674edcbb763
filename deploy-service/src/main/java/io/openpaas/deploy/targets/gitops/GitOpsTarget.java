package io.openpaas.deploy.targets.gitops;

import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.OutboundGuard;
import io.openpaas.deploy.targets.Replica;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Deploys by committing (docs/clusters.md): each deployment's rendered manifests become one commit
 * in a Git repository, at {@code <path>/<project>/<service>/manifests.yaml}, whose message names the
 * deployment; whatever syncs the repository (ArgoCD, Flux) runs them. A scale is a commit of the
 * new count; a rollback is a commit of the earlier manifests. The repository is a bare one under
 * the state folder unless a remote is configured. No secret value is ever written: the manifests
 * name Secrets, the cluster holds them.
 */
public class GitOpsTarget implements DeployTarget {

    private static final PersonIdent AUTHOR = new PersonIdent("OpenPaaS", "deploy@openpaas.invalid");
    private static final int MAX_ATTEMPTS = 10;
    private final String cluster;
    private final String remote;
    private final Optional<CredentialsProvider> credentials;
    private final String branch;
    private final String path;
    private final Path workTree;
    private final KubernetesManifests.Exposure exposure;
    private final OutboundGuard guard;

    /**
     * {@code remote}: the repository's URL, or the path of a bare repository made here when missing.
     * {@code workTree}: this target's own clone, under the state folder.
     */
    public GitOpsTarget(String cluster, String remote, Optional<String> token, String branch, String path, Path workTree,
            KubernetesManifests.Exposure exposure) {
        this.cluster = cluster;
        this.remote = remote;
        this.credentials = token.filter(t -> !t.isBlank()).map(t -> new UsernamePasswordCredentialsProvider("openpaas", t));
        this.branch = branch;
        this.path = path;
        this.workTree = workTree;
        this.exposure = exposure;
        this.guard = OutboundGuard.forEndpoint("the GitOps repository of cluster '" + cluster + "'");
    }

    @Override
    public String name() {
        return "gitops:" + cluster;
    }

    /** Where a service's manifests live in the repository. */
    public String folder(WorkloadSpec spec) {
        return path + "/" + spec.projectSlug() + "/" + spec.serviceSlug();
    }

    /** The URL (or path) of the repository this target commits to. */
    public String repository() {
        return remote;
    }

    public String branch() {
        return branch;
    }

    /**
     * The ClusterSecretStore (External Secrets) a GitOps cluster must have, pointing at the Vault
     * the secrets store uses: no secret value ever goes into Git (docs/secrets.md).
     */
    public static final String SECRET_STORE = "openpaas-vault";

    @Override
    public String manifests(WorkloadSpec spec) {
        return KubernetesManifests.yaml(KubernetesManifests.renderForGit(spec, exposure, SECRET_STORE));
    }

    @Override
    public String probe() throws DeployFailure, InterruptedException {
        return guard.once("reading the repository", () -> {
            var refs = Git.lsRemoteRepository().setRemote(remoteUri().toString()).setCredentialsProvider(credentials.orElse(null)).setTimeout(10)
                    .setHeads(true).call();
            return "Git repository, " + refs.size() + " branch" + (refs.size() == 1 ? "" : "es");
        });
    }

    @Override
    public void apply(WorkloadSpec spec, RolloutProgress progress) throws DeployFailure, InterruptedException {
        progress.progressing();
        progress.beforeTrafficMoves();
        String commit = commit(spec);
        progress.log("committed " + folder(spec) + "/manifests.yaml as " + commit.substring(0, 12) + " to " + branch);
        progress.trafficMoved();
    }

    /** Commits the spec's manifests; answers the commit's id. */
    public String commit(WorkloadSpec spec) throws DeployFailure, InterruptedException {
        String message = "openpaas: deployment " + spec.deploymentId() + " of " + spec.projectSlug() + "/" + spec.serviceSlug() + "\n\n"
                + "image " + spec.image() + ", " + spec.replicas() + " replica" + (spec.replicas() == 1 ? "" : "s") + "\n";
        String content;
        try {
            content = manifests(spec);
        } catch (IllegalArgumentException e) {
            throw new DeployFailure(e.getMessage());
        }
        return change(message, tree -> {
            Path file = tree.resolve(folder(spec)).resolve("manifests.yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        });
    }

    @Override
    public void remove(UUID serviceId) throws InterruptedException {
        try {
            change("openpaas: service " + serviceId + " deleted\n", tree -> {
                Path base = tree.resolve(path);
                if (!Files.isDirectory(base)) {
                    return;
                }
                try (Stream<Path> files = Files.walk(base)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().equals("manifests.yaml")).toList()) {
                        if (Files.readString(file).contains(KubernetesManifests.SERVICE + ": \"" + serviceId + "\"")
                                || Files.readString(file).contains(KubernetesManifests.SERVICE + ": " + serviceId)) {
                            Files.delete(file);
                        }
                    }
                }
            });
        } catch (DeployFailure e) {
            throw new IllegalStateException("could not remove service " + serviceId + " from the GitOps repository: " + e.getMessage());
        }
    }

    private interface TreeChange {
        void apply(Path tree) throws IOException;
    }

    /**
     * One commit on the branch, pushed: on a push refused because the branch moved (another
     * writer), the clone is reset to the remote and the change made again, at most
     * {@value #MAX_ATTEMPTS} times, a random moment later each time.
     */
    private synchronized String change(String message, TreeChange change) throws DeployFailure, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String pushed = guard.once("committing to the repository", () -> {
                try (Git git = open()) {
                    return commitAndPush(git, message, change);
                } catch (org.eclipse.jgit.api.errors.TransportException e) {
                    // refused credentials are the remote's answer: not retried, and said plainly
                    String text = String.valueOf(e.getMessage());
                    if (text.contains("not authorized") || text.contains("Authentication is required") || text.contains("401")
                            || text.contains("403")) {
                        throw new OutboundGuard.Refused("the repository refused the credentials: check the cluster's token");
                    }
                    throw e;
                }
            });
            if (pushed != null) {
                return pushed;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new DeployFailure("the branch " + branch + " kept moving while committing (" + MAX_ATTEMPTS + " attempts): try again");
            }
            // another writer pushed meanwhile: start again on top of it, after a random pause so two writers fall out of step
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20, 100L * attempt));
        }
    }

    /** Commits the change on top of the remote branch and pushes it; null when the push must be made again (the branch moved). */
    private String commitAndPush(Git git, String message, TreeChange change) throws IOException, GitAPIException {
        change.apply(workTree);
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        ObjectId id = git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setAllowEmpty(true)
                .setSign(false).call().getId();
        for (PushResult result : git.push().setRemote("origin").setRefSpecs(new org.eclipse.jgit.transport.RefSpec(
                "HEAD:refs/heads/" + branch)).setCredentialsProvider(credentials.orElse(null)).setTimeout(20).call()) {
            for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                // the branch moved, or another push holds its lock right now: again, on top of it
                if (update.getStatus() == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
                        || update.getStatus() == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED
                        || update.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON && update.getMessage() != null
                        && update.getMessage().contains("lock")) {
                    return null;
                }
                if (update.getStatus() != RemoteRefUpdate.Status.OK && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                    throw new OutboundGuard.Refused("the repository refused the push: " + update.getStatus()
                            + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
                }
            }
        }
        return id.name();
    }

    /** The clone, made on first use (the bare repository too when it is a local path), reset to the remote branch. */
    private Git open() throws IOException, GitAPIException, java.net.URISyntaxException {
        URIish uri = remoteUri();
        if (!isRemoteUrl(remote)) {
            initBare(Path.of(remote), branch);
        }
        Git git;
        if (Files.isDirectory(workTree.resolve(".git"))) {
            git = Git.open(workTree.toFile());
            git.remoteSetUrl().setRemoteName("origin").setRemoteUri(uri).call(); // the registered repository, whatever the clone held
        } else {
            Files.createDirectories(workTree);
            git = Git.init().setInitialBranch(branch).setDirectory(workTree.toFile()).call();
            git.remoteAdd().setName("origin").setUri(uri).call();
        }
        git.fetch().setRemote("origin").setCredentialsProvider(credentials.orElse(null)).setTimeout(20).call();
        var tracked = git.getRepository().findRef("refs/remotes/origin/" + branch);
        if (tracked != null) {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(tracked.getObjectId().name()).call();
        }
        git.clean().setCleanDirectories(true).setForce(true).call();
        return git;
    }

    /** The local bare repository, made once even when several targets (clusters sharing it) start at once. */
    private static void initBare(Path bare, String branch) throws GitAPIException {
        synchronized (GitOpsTarget.class) {
            if (!Files.exists(bare.resolve("HEAD"))) {
                Git.init().setBare(true).setInitialBranch(branch).setDirectory(bare.toFile()).call().close();
            }
        }
    }

    private URIish remoteUri() throws java.net.URISyntaxException {
        return isRemoteUrl(remote) ? new URIish(remote) : new URIish(Path.of(remote).toUri().toString());
    }

    private static boolean isRemoteUrl(String location) {
        return location.contains("://") || location.startsWith("git@");
    }

    @Override
    public boolean observesReplicas() {
        return false;
    }

    /** A repository has no replicas to look at: what runs is the cluster's business. */
    @Override
    public List<Replica> observe(UUID serviceId) {
        return List.of();
    }

    @Override
    public List<Replica> observeAll() {
        return List.of();
    }

    @Override
    public void restart(String replicaId) {
    }

    /** The repository keeps every commit: nothing to bring back. */
    @Override
    public void reconcile(Set<UUID> serving, Set<UUID> inFlight, RolloutProgress progress) {
    }

    @Override
    public void logs(UUID serviceId, int tail, Instant since, boolean follow, Consumer<String> line, CountDownLatch stop) {
        line.accept("cluster '" + cluster + "' is deployed through Git: read the service's logs from the cluster that syncs it");
    }
}

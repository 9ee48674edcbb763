package io.openpaas.build.execution.local;

import io.openpaas.build.credentials.GitCredential;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildJob;
import io.openpaas.build.execution.BuildRun;
import io.openpaas.build.sources.RepositoryPolicy;
import io.openpaas.common.problem.ProblemException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The source of a build with JGit: a bare mirror per service in the workspace cache (cloned once,
 * fetched by later builds), the branch or commit resolved to a SHA, and that commit's files
 * written into the build's workspace. The credential is used for the transport only and never
 * written into the repository's config.
 */
public class GitCheckout {

    private static final Map<UUID, ReentrantLock> MIRROR_LOCKS = new ConcurrentHashMap<>();
    private final Path cacheDir;
    private final RepositoryPolicy policy;
    private final int timeoutSeconds;

    public GitCheckout(Path cacheDir, RepositoryPolicy policy, int timeoutSeconds) {
        this.cacheDir = cacheDir;
        this.policy = policy;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Fetches and checks out the job's revision into {@code target}; answers the commit's SHA. */
    public String checkout(BuildJob job, BuildRun run, Path target) throws BuildFailure {
        try {
            // again at clone time: the name may resolve elsewhere than when the build was asked for
            policy.checkAddresses(policy.checkSyntax(job.repository()));
        } catch (ProblemException e) {
            throw new BuildFailure("the repository is not allowed: " + e.getMessage());
        }
        Path mirror = cacheDir.resolve(job.serviceId() + ".git");
        ReentrantLock lock = MIRROR_LOCKS.computeIfAbsent(job.serviceId(), k -> new ReentrantLock());
        lock.lock();
        try {
            Repository repository = fetch(job, run, mirror);
            try (repository) {
                ObjectId commit = resolve(repository, job);
                run.log("[openpaas] checking out " + commit.name());
                writeTree(repository, commit, target);
                return commit.name();
            }
        } catch (IOException e) {
            throw new BuildFailure("could not check out the source: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private Repository fetch(BuildJob job, BuildRun run, Path mirror) throws BuildFailure, IOException {
        boolean fresh = !Files.exists(mirror.resolve("HEAD"));
        run.log("[openpaas] " + (fresh ? "cloning " : "fetching ") + job.repository());
        try {
            if (fresh) {
                Files.createDirectories(mirror.getParent());
                try (Git git = Git.init().setBare(true).setDirectory(mirror.toFile()).call()) {
                    git.getRepository().getConfig().save();
                }
            }
            Git git = Git.open(mirror.toFile());
            var fetch = git.fetch().setRemote(job.repository())
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                    .setRemoveDeletedRefs(true)
                    .setProgressMonitor(new StopMonitor(run));
            authenticate(fetch, job.credential(), run);
            fetch.call();
            return git.getRepository();
        } catch (GitAPIException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            if (run.stopped()) {
                throw new BuildFailure("stopped while fetching");
            }
            throw new BuildFailure("could not fetch " + job.repository() + ": " + rootMessage(e));
        }
    }

    private void authenticate(TransportCommand<?, ?> command, GitCredential credential, BuildRun run) throws IOException {
        command.setTimeout(timeoutSeconds);
        if (credential == null) {
            return;
        }
        if (GitCredential.TOKEN.equals(credential.kind())) {
            String user = credential.username() == null || credential.username().isBlank() ? "x-access-token" : credential.username();
            command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, credential.secret()));
            return;
        }
        // an SSH deploy key: written for this build only (0600), removed with the workspace
        Path ssh = Files.createDirectories(run.workspace().resolve(".ssh"));
        Path key = ssh.resolve("deploy_key");
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, credential.secret().endsWith("\n") ? credential.secret() : credential.secret() + "\n");
        // host keys are not pinned yet (docs/builds.md): the first key a host shows is accepted
        Files.writeString(ssh.resolve("config"), "Host *\n  StrictHostKeyChecking accept-new\n");
        SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(run.workspace().toFile())
                .setSshDirectory(ssh.toFile())
                .setDefaultIdentities(dir -> List.of(key))
                .setPreferredAuthentications("publickey")
                .build(null);
        command.setTransportConfigCallback(transport -> {
            if (transport instanceof SshTransport sshTransport) {
                sshTransport.setSshSessionFactory(factory);
            }
        });
    }

    private static ObjectId resolve(Repository repository, BuildJob job) throws BuildFailure, IOException {
        if (job.commit() != null) {
            ObjectId id = repository.resolve(job.commit() + "^{commit}");
            if (id == null) {
                throw new BuildFailure("commit " + job.commit() + " is not in the repository");
            }
            return id;
        }
        ObjectId id = repository.resolve(Constants.R_HEADS + job.branch() + "^{commit}");
        if (id == null) {
            throw new BuildFailure("branch '" + job.branch() + "' does not exist in the repository");
        }
        return id;
    }

    /** Writes the commit's files (modes and symbolic links kept; submodules are not fetched). */
    private static void writeTree(Repository repository, ObjectId commitId, Path target) throws IOException {
        Files.createDirectories(target);
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
            RevCommit commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                Path file = target.resolve(tree.getPathString()).normalize();
                if (!file.startsWith(target)) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    continue;
                }
                ObjectLoader loader = repository.open(tree.getObjectId(0));
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(file, Path.of(new String(loader.getBytes(), java.nio.charset.StandardCharsets.UTF_8)));
                    continue;
                }
                try (InputStream in = loader.openStream(); OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                }
                if (mode == FileMode.EXECUTABLE_FILE) {
                    file.toFile().setExecutable(true);
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /** Lets cancel and timeout interrupt a fetch between packets. */
    private static final class StopMonitor implements ProgressMonitor {
        private final BuildRun run;

        StopMonitor(BuildRun run) {
            this.run = run;
        }

        @Override
        public void start(int totalTasks) {
        }

        @Override
        public void beginTask(String title, int totalWork) {
            run.log("[git] " + title);
        }

        @Override
        public void update(int completed) {
        }

        @Override
        public void endTask() {
        }

        @Override
        public boolean isCancelled() {
            return run.stopped();
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }
}

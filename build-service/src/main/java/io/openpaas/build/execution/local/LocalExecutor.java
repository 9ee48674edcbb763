package io.openpaas.build.execution.local;

import io.openpaas.build.builds.BuildState;
import io.openpaas.build.config.BuildConfig;
import io.openpaas.build.config.RegistryConfig;
import io.openpaas.build.execution.BuildExecutor;
import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildJob;
import io.openpaas.build.execution.BuildResult;
import io.openpaas.build.execution.BuildRun;
import io.openpaas.build.sources.BuildPaths;
import io.openpaas.build.sources.RepositoryPolicy;
import io.openpaas.build.stacks.GeneratedDockerfile;
import io.openpaas.build.stacks.StackDetector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default executor: JGit fetches the source into the workspace cache, buildah builds
 * the Dockerfile (the repository's, or one generated from the detected stack) with layer caching
 * and pushes the image to the registry; the digest comes from the push itself. The container
 * settings this machine needs (runtime, storage, ulimits) reach buildah through the environment
 * the launcher sets (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF), not through this code.
 */
@ApplicationScoped
@Typed(LocalExecutor.class)
public class LocalExecutor implements BuildExecutor {

    /**
     * Builds of one service run their buildah step one at a time: they share layer-cache entries,
     * and buildah fails when two builds commit the same cached layer at once.
     */
    private static final Map<UUID, ReentrantLock> BUD_LOCKS = new ConcurrentHashMap<>();
    private final BuildConfig config;
    private final RegistryConfig registry;
    private final RepositoryPolicy policy;
    private final StackDetector stacks;

    private final io.openpaas.common.secrets.SecretsClient secrets;

    public LocalExecutor(BuildConfig config, RegistryConfig registry, RepositoryPolicy policy, StackDetector stacks,
            io.openpaas.common.secrets.SecretsClient secrets) {
        this.secrets = secrets;
        this.config = config;
        this.registry = registry;
        this.policy = policy;
        this.stacks = stacks;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public BuildResult build(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException {
        Path source = run.workspace().resolve("src");
        GitCheckout git = new GitCheckout(Path.of(config.workDir(), "git"), policy, 120);
        String sha = git.checkout(job, run, source);
        run.resolved(sha);
        try {
            source = source.toRealPath(); // paths inside are compared with real paths (links resolved)
        } catch (IOException e) {
            throw new BuildFailure("the checkout is gone: " + e.getMessage());
        }
        Path context = inside(source, job.context(), "build context");
        if (context == null || !Files.isDirectory(context)) {
            throw new BuildFailure("the build context '" + job.context() + "' is not a directory of the repository");
        }
        Path dockerfile = dockerfile(job, run, source, context);
        if (!run.enter(BuildState.BUILDING)) {
            return null;
        }
        List<String> bud = new ArrayList<>(List.of("buildah", "bud", "--layers", "--pull=false", "-f", dockerfile.toString(),
                "-t", job.taggedImage()));
        List<String> secretArgs = buildSecrets(job, run);
        if (!secretArgs.isEmpty()) {
            // buildah's layer cache does not key on secret contents: a RUN with the same text elsewhere must not reuse this one's layer
            bud.add("--no-cache");
        }
        bud.addAll(secretArgs);
        bud.add(context.toString());
        Commands.Outcome built;
        ReentrantLock lock = BUD_LOCKS.computeIfAbsent(job.serviceId(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            run.log("[openpaas] waiting for another build of this service to finish its buildah step (they share the layer cache)");
            while (!lock.tryLock(200, TimeUnit.MILLISECONDS)) {
                if (run.stopped()) {
                    return null;
                }
            }
        }
        try {
            built = Commands.run(bud, run, "");
        } finally {
            lock.unlock();
            removeBuildSecrets(run);
        }
        if (run.stopped()) {
            return null;
        }
        if (built.exitCode() != 0) {
            throw new BuildFailure(buildReason(built));
        }
        if (!run.enter(BuildState.PUSHING)) {
            return null;
        }
        String digest = push(job, run);
        return new BuildResult(sha, job.imageRepository() + "@" + digest);
    }

    /**
     * The build secrets: each named key's value, from the groups linked to the service, goes into
     * a 0600 file of the build's workspace (removed with it) that buildah mounts for a {@code RUN
     * --mount=type=secret,id=KEY}; never a build argument, which the image's history would keep.
     * Every value is masked in the build log before buildah starts.
     */
    private List<String> buildSecrets(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException {
        if (job.secrets().isEmpty()) {
            return List.of();
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        try {
            secrets.resolve(job.projectId(), job.serviceId(), null, job.secrets()).forEach(g -> values.putAll(g.values()));
        } catch (io.openpaas.common.secrets.SecretDelivery.DeliveryFailure e) {
            throw new BuildFailure("the build secrets " + job.secrets() + " could not be fetched: " + e.getMessage());
        }
        values.values().forEach(run::mask);
        for (String key : job.secrets()) {
            if (!values.containsKey(key)) {
                throw new BuildFailure("build secret " + key + " is in no secret group linked to the service");
            }
        }
        List<String> args = new ArrayList<>();
        Path folder = run.workspace().resolve("build-secrets");
        try {
            Files.createDirectories(folder);
            for (String key : job.secrets()) {
                Path file = folder.resolve(key);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, values.get(key));
                args.add("--secret");
                args.add("id=" + key + ",src=" + file);
            }
        } catch (java.io.IOException e) {
            throw new BuildFailure("cannot write the build secrets into the workspace: " + e.getClass().getSimpleName());
        }
        run.log("[openpaas] build secrets: " + String.join(", ", job.secrets()));
        return args;
    }

    /** The build secrets' files go as soon as buildah is done with them, before the image is pushed. */
    private static void removeBuildSecrets(BuildRun run) {
        Path folder = run.workspace().resolve("build-secrets");
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (java.nio.file.NoSuchFileException e) {
            // the build named no secret
        } catch (java.io.IOException e) {
            run.log("[openpaas] could not remove the build secrets' files now (they go with the workspace): " + e.getClass().getSimpleName());
        }
    }

    /** The local tag goes once the build has ended (its layers stay cached for the next build). */
    @Override
    public void cleanUp(BuildJob job) {
        try {
            // not forced: an identical image of another build (same layers, same id) keeps its own name
            new ProcessBuilder("buildah", "rmi", job.taggedImage()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (java.io.IOException e) {
            // nothing to remove
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path dockerfile(BuildJob job, BuildRun run, Path source, Path context) throws BuildFailure {
        if (job.dockerfile() != null) {
            Path file = inside(source, job.dockerfile(), "Dockerfile");
            if (file == null || !Files.isRegularFile(file)) {
                throw new BuildFailure("the Dockerfile '" + job.dockerfile() + "' named by the service is not in the repository");
            }
            return file;
        }
        Path own = context.resolve("Dockerfile");
        if (Files.isRegularFile(own)) {
            Path checked = inside(source, source.relativize(own).toString(), "Dockerfile");
            if (checked != null) {
                return checked;
            }
        }
        GeneratedDockerfile generated = stacks.generate(context, job.port());
        run.log("[openpaas] no Dockerfile in the repository; detected " + generated.stack() + " and generated this one:");
        generated.text().lines().forEach(line -> run.log("[Dockerfile] " + line));
        try {
            Path file = run.workspace().resolve("Dockerfile.generated");
            Files.writeString(file, generated.text());
            return file;
        } catch (IOException e) {
            throw new BuildFailure("could not write the generated Dockerfile: " + e.getMessage());
        }
    }

    private static Path inside(Path source, String relative, String what) throws BuildFailure {
        try {
            Path resolved = BuildPaths.resolveInside(source, relative);
            if (resolved == null && relative != null && Files.exists(source.resolve(relative))) {
                throw new BuildFailure("the " + what + " path '" + relative + "' leads out of the repository");
            }
            return resolved;
        } catch (IOException e) {
            throw new BuildFailure("could not read the " + what + " path '" + relative + "': " + e.getMessage());
        }
    }

    private String push(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException {
        Path digestFile = run.workspace().resolve("digest");
        List<String> push = new ArrayList<>(List.of("buildah", "push", "--digestfile", digestFile.toString(),
                "--tls-verify=" + registry.verifyTls()));
        if (registry.username().isPresent()) {
            push.add("--authfile");
            push.add(authFile(run.workspace(), registry.host(), registry.username().get(), registry.password().orElse("")).toString());
        }
        push.add(job.taggedImage());
        push.add("docker://" + job.taggedImage());
        Commands.Outcome pushed = Commands.run(push, run, "");
        if (run.stopped()) {
            return null;
        }
        if (pushed.exitCode() != 0) {
            throw new BuildFailure("the push to " + registry.host() + " failed: " + lastMeaningful(pushed.tail()));
        }
        try {
            String digest = Files.readString(digestFile).strip();
            if (!digest.matches("sha256:[0-9a-f]{64}")) {
                throw new BuildFailure("the push reported no digest");
            }
            return digest;
        } catch (IOException e) {
            throw new BuildFailure("the push reported no digest");
        }
    }

    /** Registry credentials in a file for this build only (0600), never on a command line other users can read. */
    private static Path authFile(Path workspace, String host, String user, String password) throws BuildFailure {
        try {
            Path file = workspace.resolve("auth.json");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            Files.writeString(file, "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
            return file;
        } catch (IOException e) {
            throw new BuildFailure("could not write the registry credentials for the push: " + e.getMessage());
        }
    }

    /** buildah names the failing instruction ("error building at STEP \"RUN …\": …"); that is the reason. */
    static String buildReason(Commands.Outcome built) {
        for (String line : built.tail()) {
            int at = line.indexOf("building at STEP");
            if (at >= 0) {
                return "the Dockerfile failed: " + line.substring(at).replaceFirst("^building at ", "");
            }
        }
        return "buildah failed (exit " + built.exitCode() + "): " + lastMeaningful(built.tail());
    }

    private static String lastMeaningful(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            if (!tail.get(i).isBlank()) {
                String line = tail.get(i).strip();
                return line.length() > 300 ? line.substring(0, 300) + "…" : line;
            }
        }
        return "no output";
    }
}

package io.openpaas.build.execution;

/**
 * Turns a build job into an image in a registry (docs/builds.md). Implementations: {@code local}
 * (JGit + buildah on this machine, the embedded default), {@code kubernetes} (a Job running a
 * rootless builder in a cluster) and {@code coolify} (the Coolify API); {@link BuildExecutors}
 * picks one by {@code openpaas.build.executor}. Runs on a worker thread and may block.
 */
public interface BuildExecutor {

    String name();

    /** Builds the job; throws {@link BuildFailure} with a reason a person understands. */
    BuildResult build(BuildJob job, BuildRun run) throws BuildFailure, InterruptedException;

    /** Housekeeping once the build's final state is recorded (off the build's critical path). */
    default void cleanUp(BuildJob job) {
    }
}

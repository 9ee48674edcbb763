package io.openpaas.build.execution;

import io.openpaas.build.builds.BuildState;
import io.openpaas.build.logs.BuildLogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A build this instance is running: its log, the processes doing the work and whether it was
 * told to stop. Stopping kills the processes with their children (a buildah build runs its RUN
 * steps in child processes): politely first, then for good.
 */
class ActiveBuild implements BuildRun {

    private final UUID id;
    private final BuildLogWriter log;
    private final Path workspace;
    private final Predicate<BuildState> enter;
    private final java.util.function.Consumer<Long> pidRecorder;
    private final java.util.function.Consumer<String> commitRecorder;
    private final Instant deadline;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    ActiveBuild(UUID id, BuildLogWriter log, Path workspace, Instant deadline, Predicate<BuildState> enter,
            java.util.function.Consumer<Long> pidRecorder, java.util.function.Consumer<String> commitRecorder) {
        this.commitRecorder = commitRecorder;
        this.id = id;
        this.log = log;
        this.workspace = workspace;
        this.deadline = deadline;
        this.enter = enter;
        this.pidRecorder = pidRecorder;
    }

    UUID id() {
        return id;
    }

    Instant deadline() {
        return deadline;
    }

    BuildLogWriter writer() {
        return log;
    }

    @Override
    public void log(String line) {
        log.append(line);
    }

    @Override
    public boolean enter(BuildState stage) {
        if (stopped) {
            return false;
        }
        if (!enter.test(stage)) {
            stopped = true;
        }
        return !stopped;
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    @Override
    public void attach(Process process) {
        processes.add(process);
        pidRecorder.accept(process.pid());
        if (stopped) {
            kill(process);
        }
    }

    @Override
    public void resolved(String commitSha) {
        commitRecorder.accept(commitSha);
    }

    @Override
    public void mask(String secret) {
        log.masker().add(secret);
    }

    @Override
    public Path workspace() {
        return workspace;
    }

    /** Marks the build stopped and kills what runs for it; returns once the processes are gone (or after 10 s). */
    void stop() {
        stopped = true;
        processes.forEach(ActiveBuild::kill);
    }

    static void kill(Process process) {
        killTree(process.toHandle());
    }

    /** SIGTERM to the process and its descendants, SIGKILL to what is left after 5 s. */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).toList();
        tree.forEach(ProcessHandle::destroy);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        Stream.concat(root.descendants(), Stream.of(root)).forEach(ProcessHandle::destroyForcibly);
    }

    /** Removes the workspace (checkout, generated files, the SSH key written for the clone). */
    void cleanUp() {
        processes.forEach(p -> {
            if (p.isAlive()) {
                kill(p);
            }
        });
        if (!Files.exists(workspace)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(workspace)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file another process still holds; the next start's sweep removes it
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}

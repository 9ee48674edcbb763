package io.openpaas.build.execution.local;

import io.openpaas.build.execution.BuildFailure;
import io.openpaas.build.execution.BuildRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Runs a build tool as a child process, its output (stdout and stderr, merged) line by line into the build's log. */
final class Commands {

    /** The exit code and the last lines of output, for a reason when it failed. */
    record Outcome(int exitCode, List<String> tail) {
    }

    private Commands() {
    }

    static Outcome run(List<String> command, BuildRun run, String prefix) throws BuildFailure, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the service's own secrets (database and NATS passwords, keys) are not the build tool's business
        builder.environment().keySet().removeIf(k -> k.startsWith("OPENPAAS_") || k.startsWith("QUARKUS_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BuildFailure(command.get(0) + " could not be started (" + e.getMessage() + "); is it installed?");
        }
        try {
            process.getOutputStream().close(); // nothing to read from us
        } catch (IOException ignored) {
            // already closed
        }
        run.attach(process);
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                run.log(prefix + line);
                tail.addLast(line);
                if (tail.size() > 20) {
                    tail.removeFirst();
                }
            }
        } catch (IOException e) {
            // the process was killed (cancel, timeout): its exit code tells
        }
        return new Outcome(process.waitFor(), List.copyOf(tail));
    }
}

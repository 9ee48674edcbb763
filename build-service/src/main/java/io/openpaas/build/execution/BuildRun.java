package io.openpaas.build.execution;

import io.openpaas.build.builds.BuildState;

/** The running build as an executor sees it: where to report, and whether to stop. */
public interface BuildRun {

    /** Appends a line to the build's log (masked before it is stored). */
    void log(String line);

    /** Enters CLONING, BUILDING or PUSHING (with its event); returns false when the build was stopped meanwhile. */
    boolean enter(BuildState stage);

    /** True once the build was cancelled or timed out: the executor stops as soon as it can. */
    boolean stopped();

    /** Registers the process doing the work, so that cancel and timeout can stop it and its children. */
    void attach(Process process);

    /** Records the commit the requested branch or commit resolved to. */
    void resolved(String commitSha);

    /** Registers a secret the build knows of (a token, a password): every log line is masked against it. */
    void mask(String secret);

    /** A directory for this build's files, removed when the build ends. */
    java.nio.file.Path workspace();
}

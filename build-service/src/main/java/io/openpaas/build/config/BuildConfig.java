package io.openpaas.build.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How build-service builds (docs/builds.md); every key has a working local default. */
@ConfigMapping(prefix = "openpaas.build")
public interface BuildConfig {

    /** Which executor runs builds: {@code local} (JGit + buildah), {@code kubernetes} or {@code coolify}. */
    @WithDefault("local")
    String executor();

    /** Builds of one project that run at once; the rest wait in QUEUED. */
    @WithDefault("2")
    int maxPerProject();

    /** Builds this instance runs at once, all projects together. */
    @WithDefault("2")
    int maxConcurrent();

    /** A build still running after this is stopped as TIMED_OUT. */
    @WithDefault("PT30M")
    Duration timeout();

    /** How often a running build's worker proves it is alive and looks for cancel and timeout. */
    @WithDefault("PT1S")
    Duration heartbeat();

    /** A running build whose worker has not proved alive for this long is failed (its worker died). */
    @WithDefault("PT1M")
    Duration staleAfter();

    /** How often queued builds are looked for and dead workers' builds failed (besides the wake-ups after each change). */
    @WithDefault("5s")
    String sweepEvery();

    /** This instance's name on the builds it runs; builds it held before a restart are failed at start. */
    Optional<String> workerId();

    /** Where workspaces, the Git cache and key files live. */
    @WithDefault("${openpaas.state-dir}/builds")
    String workDir();

    /** Allow {@code file://} repositories and loopback hosts (the local run does; a shared platform must not). */
    @WithDefault("false")
    boolean allowLocalRepositories();

    /** AES-256 key (base64) that encrypts Git credentials and webhook secrets; else a key file made on first start. */
    Optional<String> credentialsKey();

    Logs logs();

    interface Logs {
        /** Lines kept per build; later output is dropped with a note. */
        @WithDefault("10000")
        int maxLines();

        /** Characters kept of one line. */
        @WithDefault("4000")
        int maxLineLength();

        /** How long the logs of a finished build are kept. */
        @WithDefault("P14D")
        Duration retention();
    }
}

package io.openpaas.deploy.rollout;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How deploy-service rolls services out (docs/deployments.md); every key has a working local default. */
@ConfigMapping(prefix = "openpaas.deploy")
public interface DeployConfig {

    /** The target services run on: {@code local} (containers on this machine behind Caddy). */
    @WithDefault("local")
    String target();

    /** Rollouts run at once by this instance (one per service at most). */
    @WithDefault("4")
    int maxConcurrent();

    /** How long new replicas have to pass their health check before the rollout fails. */
    @WithDefault("PT2M")
    Duration healthDeadline();

    /**
     * The most a rollout may take, start to end, on any instance: past it the rollout is failed
     * (and abandoned if it has not moved traffic yet), also when its instance is gone.
     */
    @WithDefault("PT15M")
    Duration rolloutDeadline();

    /** How long old replicas keep serving requests in flight after traffic left them. */
    @WithDefault("PT2S")
    Duration drain();

    /** SIGTERM to SIGKILL for a stopping replica. */
    @WithDefault("PT10S")
    Duration stopGrace();

    /** How often pending deployments are looked for besides the wake-ups after each change. */
    @WithDefault("5s")
    String sweepEvery();

    /** How often the replicas of serving deployments are compared with what was recorded (replicas that died are reported). */
    @WithDefault("5s")
    String watchEvery();

    /** This instance's name on the rollouts it runs; rollouts it held before a restart are failed at start. */
    Optional<String> workerId();

    Local local();

    Clusters clusters();

    /** The cluster targets (docs/clusters.md). */
    interface Clusters {
        /** Where GitOps clones and the default bare repository ({@code gitops.git}) live, and the credentials key file. */
        @WithDefault("${openpaas.state-dir}")
        String stateDir();

        /** AES-256 key (base64) sealing cluster credentials; else a key file made on first start under the state folder. */
        Optional<String> credentialsKey();

        /** Each call to a cluster, ArgoCD or Rancher: connect and answer within this. */
        @WithDefault("PT10S")
        Duration callTimeout();

        /** How often a rollout in a cluster is looked at. */
        @WithDefault("PT2S")
        Duration pollEvery();

        /** A Deployment's progress deadline; an ArgoCD sync's too. */
        @WithDefault("PT10M")
        Duration progressDeadline();

        /** The base domain of public hosts when a cluster names none ({@code <service>.<project>.<domain>}). */
        @WithDefault("apps.localhost")
        String domain();

        /**
         * Apply with server-side apply (every real cluster). False applies by create-or-update, for
         * API servers without it: the fabric8 test server the tests run against.
         */
        @WithDefault("true")
        boolean serverSideApply();
    }

    interface Local {
        /**
         * Labels this platform's containers: one engine may serve several platforms (a local run
         * and a test run), and each only reconciles and lists its own.
         */
        @WithDefault("openpaas")
        String platform();

        /** The Docker Engine API: Docker's socket, or podman's service (the local run starts it). */
        @WithDefault("unix:///var/run/docker.sock")
        String dockerHost();

        /** Caddy's admin API. */
        @WithDefault("http://127.0.0.1:2019")
        String proxyAdminUrl();

        /** The port apps answer on through Caddy. */
        @WithDefault("8000")
        int proxyPort();
    }
}

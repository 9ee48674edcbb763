package io.openpaas.deploy.targets.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.Replica;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded default target (docs/deployments.md): one container per replica through the Docker
 * Engine API (Docker, or podman's compatible service), each published on a loopback port, behind
 * Caddy at a stable {@code http://<service>.<project>.localhost:<port>}. A rollout starts the new
 * replicas, waits until each answers its health check, moves the route to them and returns; in
 * the background the old ones finish their requests in flight, then stop (SIGTERM, then a grace period).
 */
public class LocalTarget implements DeployTarget {

    static final String PROJECT = "io.openpaas.project";
    static final String SERVICE = "io.openpaas.service";
    static final String DEPLOYMENT = "io.openpaas.deployment";
    static final String HOST = "io.openpaas.host";
    static final String HEALTH = "io.openpaas.health-path";
    static final String ROUTE_PORT = "io.openpaas.route-port";
    /** Which platform a container belongs to: an engine may serve several (a local run and a test run). */
    static final String PLATFORM = "io.openpaas.platform";
    static final String DEFAULT_PLATFORM = "openpaas";

    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LocalTarget.class);
    private final java.util.concurrent.ExecutorService retiring = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "retire-replica");
        t.setDaemon(true);
        return t;
    });
    private final DockerClient docker;
    private final CaddyRoutes routes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration drain;
    private final Duration stopGrace;
    private final Duration healthDeadline;
    private final String platform;

    public LocalTarget(String platform, String dockerHost, String proxyAdminUrl, int proxyPort, ObjectMapper mapper, Duration drain,
            Duration stopGrace, Duration healthDeadline) {
        this.platform = platform;
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        var transport = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(120)).build();
        this.docker = DockerClientImpl.getInstance(config, transport);
        this.routes = new CaddyRoutes(mapper, proxyAdminUrl, "127.0.0.1:" + proxyPort);
        this.drain = drain;
        this.stopGrace = stopGrace;
        this.healthDeadline = healthDeadline;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String probe() throws DeployFailure {
        try {
            var version = docker.versionCmd().exec();
            return "container engine API " + version.getApiVersion() + " (" + version.getVersion() + ")";
        } catch (RuntimeException e) {
            throw new DeployFailure("the container engine does not answer: " + e.getMessage());
        }
    }

    /** The stable host name of the service's first public port. */
    public static String host(WorkloadSpec spec) {
        return spec.serviceSlug() + "." + spec.projectSlug() + ".localhost";
    }

    @Override
    public void apply(WorkloadSpec spec, RolloutProgress log) throws DeployFailure, InterruptedException {
        List<Container> previous = containersOf(spec.serviceId());
        List<String> started = new ArrayList<>();
        List<String> upstreams = new ArrayList<>();
        try {
            if (spec.replicas() > 0) {
                ensureImage(spec.image(), log);
            }
            for (int i = 0; i < spec.replicas(); i++) {
                String id = start(spec, i);
                started.add(id);
                upstreams.add("127.0.0.1:" + hostPort(id, spec.healthCheck().port()));
                log.log("replica " + (i + 1) + "/" + spec.replicas() + " started (" + id.substring(0, 12) + ")");
            }
            log.progressing();
            for (int i = 0; i < started.size(); i++) {
                awaitHealthy(spec, started.get(i), upstreams.get(i));
                log.log("replica " + (i + 1) + " healthy at " + upstreams.get(i));
            }
            log.beforeTrafficMoves();
            if (spec.replicas() > 0) {
                routes.put(new CaddyRoutes.Route(host(spec), upstreams, spec.healthCheck().path()));
                log.log("traffic for " + host(spec) + " moved to the new replicas");
            } else {
                routes.remove(host(spec));
            }
        } catch (DeployFailure | RuntimeException e) {
            removeAll(started); // the old replicas keep serving
            throw e instanceof DeployFailure f ? f : new DeployFailure("the container engine failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.interrupted(); // the engine calls below must not see the interrupt
            removeAll(started); // abandoned before traffic moved: the old replicas keep serving
            throw e;
        }
        log.trafficMoved();
        // off the rollout's thread and all at once: each may take its whole grace period (a process
        // that ignores SIGTERM), and neither the state nor the service's next rollout waits for that
        for (Container old : previous) {
            retiring.execute(() -> {
                try {
                    Thread.sleep(drain.toMillis()); // requests in flight on the old replica finish
                } catch (InterruptedException e) {
                    return; // deploy-service stops: the next start's reconcile removes it
                }
                stop(old.getId());
                log.log("previous replica " + old.getId().substring(0, 12) + " stopped");
            });
        }
    }

    @Override
    public List<Replica> observe(UUID serviceId) {
        return replicas(containersOf(serviceId));
    }

    @Override
    public void restart(String replicaId) {
        try {
            docker.startContainerCmd(replicaId).exec();
            LOG.infof("replica %s started again", replicaId.substring(0, 12));
        } catch (DockerException e) {
            // gone or running again meanwhile, or the engine not ready yet: the next look tells
            LOG.warnf("replica %s could not be started again (next look retries): %s", replicaId.substring(0, 12),
                    e.getMessage());
        }
    }

    @Override
    public List<Replica> observeAll() {
        return replicas(platformContainers(docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(SERVICE)).exec()));
    }

    private List<Replica> replicas(List<Container> containers) {
        List<Replica> replicas = new ArrayList<>();
        for (Container c : containers) {
            String deployment = c.getLabels().get(DEPLOYMENT);
            try {
                // the list has no restart count nor exit code: a replica restarted by the engine looks fine there
                var inspected = docker.inspectContainerCmd(c.getId()).exec();
                var state = inspected.getState();
                replicas.add(new Replica(c.getId(), inspected.getName().replaceFirst("^/", ""), UUID.fromString(c.getLabels().get(SERVICE)),
                        deployment == null ? null : UUID.fromString(deployment), state.getStatus(), Boolean.TRUE.equals(state.getRunning()),
                        state.getExitCodeLong() == null || state.getExitCodeLong() == 0 ? null : state.getExitCodeLong(),
                        inspected.getRestartCount() == null ? 0 : inspected.getRestartCount()));
            } catch (DockerException e) {
                // removed between the list and now (podman may say so with a 500)
            }
        }
        return replicas;
    }

    @Override
    public void reconcile(java.util.Set<UUID> serving, java.util.Set<UUID> inFlight, RolloutProgress progress)
            throws DeployFailure, InterruptedException {
        Map<String, CaddyRoutes.Route> table = new LinkedHashMap<>();
        for (Container c : platformContainers(docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(SERVICE)).exec())) {
            String label = c.getLabels().get(DEPLOYMENT);
            UUID deployment = label == null ? null : UUID.fromString(label);
            if (deployment == null || !serving.contains(deployment) && !inFlight.contains(deployment)) {
                removeAll(List.of(c.getId()));
                progress.log("removed replica " + c.getId().substring(0, 12) + " of deployment " + deployment + ", which no longer runs");
                continue;
            }
            if (!serving.contains(deployment)) {
                continue;
            }
            try {
                if (!"running".equalsIgnoreCase(c.getState())) {
                    docker.startContainerCmd(c.getId()).exec(); // the engine or the machine restarted
                    progress.log("started replica " + c.getId().substring(0, 12) + " of deployment " + deployment + " again");
                }
                String port = c.getLabels().get(ROUTE_PORT);
                String host = c.getLabels().get(HOST);
                if (host != null && port != null) {
                    String upstream = "127.0.0.1:" + hostPort(c.getId(), Integer.parseInt(port));
                    table.merge(host, new CaddyRoutes.Route(host, List.of(upstream), c.getLabels().getOrDefault(HEALTH, "/")),
                            (a, b) -> new CaddyRoutes.Route(host, concat(a.upstreams(), b.upstreams()), a.healthPath()));
                }
            } catch (DockerException | DeployFailure e) {
                progress.log("replica " + c.getId().substring(0, 12) + " of deployment " + deployment + " could not be brought back: "
                        + e.getMessage());
            }
        }
        routes.replaceAll(table.values());
        progress.log("the proxy routes " + table.size() + " host(s)");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public void logs(UUID serviceId, int tail, java.time.Instant since, boolean follow, java.util.function.Consumer<String> line,
            java.util.concurrent.CountDownLatch stop) throws InterruptedException {
        List<java.io.Closeable> streams = new ArrayList<>();
        List<Container> running = containersOf(serviceId).stream().filter(c -> "running".equalsIgnoreCase(c.getState())).toList();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(running.size());
        for (Container c : running) {
            String replica = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0].replaceFirst("^/", "") : c.getId().substring(0, 12);
            var cmd = docker.logContainerCmd(c.getId()).withStdOut(true).withStdErr(true).withTail(tail).withFollowStream(follow);
            if (since != null) {
                cmd.withSince((int) since.getEpochSecond());
            }
            streams.add(cmd.exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame frame) {
                    for (String text : new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                        line.accept("[" + replica + "] " + text);
                    }
                }

                @Override
                public void onComplete() {
                    ended.countDown();
                }

                @Override
                public void onError(Throwable throwable) {
                    ended.countDown();
                }
            }));
        }
        try {
            // the replicas' streams end by themselves unless following; the caller's stop ends them either way
            while (!stop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS) && ended.getCount() > 0) {
                Thread.onSpinWait();
            }
        } finally {
            for (java.io.Closeable stream : streams) {
                try {
                    stream.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void remove(UUID serviceId) throws InterruptedException {
        List<Container> containers = containersOf(serviceId);
        for (Container c : containers) {
            String host = c.getLabels().get(HOST);
            if (host != null) {
                try {
                    routes.remove(host);
                } catch (DeployFailure e) {
                    // the proxy is gone: nothing routes there anyway
                }
            }
        }
        removeAll(containers.stream().map(Container::getId).toList());
    }

    /**
     * Makes sure the engine has the image: the Docker API does not pull on create. As Kubernetes
     * does by default: pulled when missing, and on each rollout when it names {@code latest} or no
     * tag (it moves), the engine's copy serving when its registry cannot be reached. A build's
     * image, by digest, is pulled once.
     */
    private void ensureImage(String image, RolloutProgress log) throws DeployFailure, InterruptedException {
        boolean present = hasImage(image);
        String name = image.substring(image.lastIndexOf('/') + 1);
        boolean moving = !image.contains("@") && (!name.contains(":") || name.endsWith(":latest"));
        if (present && !moving) {
            return;
        }
        log.log("pulling " + image);
        String failure = pull(image);
        if (failure == null && hasImage(image)) {
            return;
        }
        if (present) {
            log.log("could not pull " + image + " (" + failure + "); running the engine's copy");
            return;
        }
        throw new DeployFailure("the image " + image + " is not available to the container engine, which could not pull it: " + failure);
    }

    private boolean hasImage(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Null when pulled, else why not. A plain callback: docker-java's own trips over podman's progress lines. */
    private String pull(String image) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<String> error = new java.util.concurrent.atomic.AtomicReference<>();
        try (var pull = docker.pullImageCmd(image).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<
                com.github.dockerjava.api.model.PullResponseItem>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.PullResponseItem item) {
                if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                    error.set(item.getErrorDetail().getMessage());
                } else if (item.getError() != null) {
                    error.set(item.getError());
                }
            }
        })) {
            if (!pull.awaitCompletion(PULL_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                return "it took longer than " + PULL_TIMEOUT.toMinutes() + " min";
            }
            return error.get();
        } catch (java.io.IOException | RuntimeException e) { // not in its registry, the registry unreachable, refused
            return error.get() != null ? error.get() : e.getMessage();
        }
    }

    private String start(WorkloadSpec spec, int index) throws DeployFailure {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PLATFORM, platform);
        labels.put(PROJECT, spec.projectId().toString());
        labels.put(SERVICE, spec.serviceId().toString());
        labels.put(DEPLOYMENT, spec.deploymentId().toString());
        labels.put(HOST, host(spec));
        labels.put(HEALTH, spec.healthCheck().path());
        labels.put(ROUTE_PORT, Integer.toString(spec.healthCheck().port()));
        List<ExposedPort> exposed = spec.ports().stream().map(p -> ExposedPort.tcp(p.port())).toList();
        Ports bindings = new Ports();
        exposed.forEach(p -> bindings.bind(p, Ports.Binding.bindIp("127.0.0.1")));
        HostConfig host = HostConfig.newHostConfig().withPortBindings(bindings).withRestartPolicy(RestartPolicy.onFailureRestart(5))
                .withMemory(spec.memoryMb() * 1024L * 1024L).withNanoCPUs(spec.cpuMillicores() * 1_000_000L);
        // the id's random end: time-ordered ids of deployments made close together share their start
        String id = spec.deploymentId().toString();
        String name = "openpaas-" + spec.serviceSlug() + "-" + id.substring(id.length() - 12) + "-" + index;
        try {
            var create = docker.createContainerCmd(spec.image()).withName(name).withLabels(labels).withExposedPorts(exposed)
                    .withEnv(spec.runtimeEnv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()).withHostConfig(host);
            if (spec.command() != null && !spec.command().isEmpty()) {
                create.withEntrypoint(spec.command());
            }
            if (spec.args() != null && !spec.args().isEmpty()) {
                create.withCmd(spec.args());
            }
            String containerId = create.exec().getId();
            docker.startContainerCmd(containerId).exec();
            return containerId;
        } catch (NotFoundException e) {
            throw new DeployFailure("the image " + spec.image() + " is not available to the container engine");
        } catch (DockerException e) {
            throw new DeployFailure("the container engine could not start a replica: " + e.getMessage());
        }
    }

    private int hostPort(String containerId, int containerPort) throws DeployFailure {
        var bindings = docker.inspectContainerCmd(containerId).exec().getNetworkSettings().getPorts().getBindings();
        Ports.Binding[] bound = bindings.get(ExposedPort.tcp(containerPort));
        if (bound == null || bound.length == 0) {
            throw new DeployFailure("port " + containerPort + " of the replica was not published");
        }
        return Integer.parseInt(bound[0].getHostPortSpec());
    }

    private void awaitHealthy(WorkloadSpec spec, String containerId, String upstream) throws DeployFailure, InterruptedException {
        WorkloadSpec.HealthCheck check = spec.healthCheck();
        Thread.sleep(check.initialDelaySeconds() * 1000L);
        long deadline = System.nanoTime() + healthDeadline.toNanos();
        URI uri = URI.create("http://" + upstream + check.path());
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            var state = docker.inspectContainerCmd(containerId).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning()) && state.getExitCodeLong() != null && state.getExitCodeLong() != 0) {
                throw new DeployFailure("a replica exited with code " + state.getExitCodeLong() + " before it became healthy");
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(check.timeoutSeconds())).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 400) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(Math.min(1000, check.intervalSeconds() * 1000L));
        }
        throw new DeployFailure("the new replicas never passed their health check (GET " + check.path() + " on port " + check.port()
                + ": " + last + " after " + healthDeadline.toSeconds() + " s)");
    }

    /**
     * SIGTERM, then SIGKILL after the grace period. Not the engine's own stop: podman holds the
     * container's lock for the whole grace period, which stalls every other call that lists it
     * (the next rollout of the same service, the watch).
     */
    private void stop(String containerId) {
        try {
            docker.killContainerCmd(containerId).withSignal("SIGTERM").exec();
            long deadline = System.nanoTime() + stopGrace.toNanos();
            while (System.nanoTime() < deadline && Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getRunning())) {
                Thread.sleep(100);
            }
        } catch (DockerException e) {
            // already stopped or gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (DockerException e) {
            // already gone
        }
    }

    private void removeAll(List<String> ids) {
        ids.forEach(id -> {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (DockerException e) {
                // already gone
            }
        });
    }

    private List<Container> containersOf(UUID serviceId) {
        return platformContainers(docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(SERVICE, serviceId.toString())).exec());
    }

    /** This platform's; containers from before the platform label existed belong to the default one. */
    private List<Container> platformContainers(List<Container> all) {
        return all.stream().filter(c -> platform.equals(c.getLabels().getOrDefault(PLATFORM, DEFAULT_PLATFORM))).toList();
    }
}

package io.openpaas.deploy.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.openpaas.deploy.targets.argocd.ArgoCdTarget;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import io.openpaas.deploy.targets.kubernetes.KubernetesTarget;
import io.openpaas.deploy.targets.rancher.RancherTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The cluster targets against real servers, when they are given (none runs on the build machine):
 * {@code OPENPAAS_TEST_KUBECONFIG} (a kubeconfig file, a cluster where a namespace may be made),
 * {@code OPENPAAS_ARGOCD_URL} with {@code OPENPAAS_ARGOCD_TOKEN} and {@code OPENPAAS_TEST_GITOPS_REPOSITORY}
 * (a Git URL ArgoCD reads and this machine may push to, {@code OPENPAAS_TEST_GIT_TOKEN}),
 * {@code OPENPAAS_RANCHER_URL} with {@code OPENPAAS_RANCHER_TOKEN}.
 */
class RealClusterTest {

    /** A public image that serves HTTP on 8080 without root. */
    static final String IMAGE = System.getenv().getOrDefault("OPENPAAS_TEST_IMAGE", "registry.k8s.io/e2e-test-images/agnhost:2.47");

    static WorkloadSpec spec() {
        return new WorkloadSpec(UUID.randomUUID(), "openpaas-real-test", UUID.randomUUID(), "echo", UUID.randomUUID(), IMAGE, Map.of(), null,
                List.of("netexec", "--http-port=8080"), 100, 64, 1, List.of(new WorkloadSpec.Port("http", 8080, false)),
                new WorkloadSpec.HealthCheck("/", 8080, 2, 1, 3, 0), null, null, null);
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENPAAS_TEST_KUBECONFIG", matches = ".+")
    void rollsOutScalesAndRemovesOnARealCluster() throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(Path.of(System.getenv("OPENPAAS_TEST_KUBECONFIG"))));
        KubernetesTarget target = new KubernetesTarget("real", new KubernetesClientBuilder().withConfig(config).build(),
                new KubernetesManifests.Exposure("apps.example.com", "traefik", Optional.empty(), 300), true, Duration.ofSeconds(1));
        WorkloadSpec spec = spec();
        try {
            assertTrue(target.probe().startsWith("Kubernetes"));
            target.apply(spec, line -> System.out.println("real cluster: " + line));
            assertEquals(1, target.observe(spec.serviceId()).stream().filter(Replica::healthy).count());
            target.apply(spec.asDeployment(UUID.randomUUID(), spec.projectSlug(), spec.serviceSlug()).withReplicas(2), line -> {
            });
            assertEquals(2, target.observe(spec.serviceId()).stream().filter(Replica::healthy).count());
        } finally {
            target.remove(spec.serviceId());
            target.close();
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENPAAS_ARGOCD_URL", matches = ".+")
    void syncsThroughARealArgoCd() throws Exception {
        Path work = Files.createTempDirectory("argocd-real");
        ArgoCdTarget target = new ArgoCdTarget("real-argo", new ArgoCdTarget.GitOpsSettings(System.getenv("OPENPAAS_TEST_GITOPS_REPOSITORY"),
                Optional.ofNullable(System.getenv("OPENPAAS_TEST_GIT_TOKEN")), "main", "openpaas-real-test", work,
                KubernetesManifests.Exposure.defaults()), new JsonApi(System.getenv("OPENPAAS_ARGOCD_URL"), System.getenv("OPENPAAS_ARGOCD_TOKEN"),
                        new ObjectMapper(), Duration.ofSeconds(10)), "https://kubernetes.default.svc", "default", Duration.ofMinutes(5), Duration.ofSeconds(2));
        WorkloadSpec spec = spec();
        assertTrue(target.probe().startsWith("ArgoCD"));
        try {
            target.apply(spec, line -> System.out.println("real argocd: " + line));
        } finally {
            target.remove(spec.serviceId());
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENPAAS_RANCHER_URL", matches = ".+")
    void listsTheClustersOfARealRancher() throws Exception {
        RancherTarget target = new RancherTarget("real-rancher", new JsonApi(System.getenv("OPENPAAS_RANCHER_URL"), System.getenv("OPENPAAS_RANCHER_TOKEN"),
                new ObjectMapper(), Duration.ofSeconds(10)), System.getenv().getOrDefault("OPENPAAS_TEST_RANCHER_CLUSTER", "local"),
                KubernetesManifests.Exposure.defaults(), kubeconfig -> new KubernetesTarget("real-rancher", new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(kubeconfig)).build(), KubernetesManifests.Exposure.defaults(), true, Duration.ofSeconds(1)));
        var clusters = target.knownClusters();
        assertFalse(clusters.isEmpty(), "a Rancher knows at least its local cluster");
        assertTrue(target.probe().startsWith("Rancher cluster"));
    }
}

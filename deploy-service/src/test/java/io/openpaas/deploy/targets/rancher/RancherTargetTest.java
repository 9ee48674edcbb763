package io.openpaas.deploy.targets.rancher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.openpaas.common.testing.Await;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.JsonApi;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import io.openpaas.deploy.targets.kubernetes.KubernetesTarget;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Rancher target against a WireMock stub of Rancher's v3 API ({@code GET /v3/clusters} as a
 * collection with {@code data}, {@code POST /v3/clusters/{id}?action=generateKubeconfig} answering
 * {@code generateKubeConfigOutput} with {@code config}, errors {@code {"type":"error","status","message"}}),
 * whose kubeconfig leads to the fabric8 test server, where the deployment then lands.
 */
class RancherTargetTest {

    static final ObjectMapper JSON = new ObjectMapper();
    WireMockServer rancher;
    KubernetesMockServer cluster;
    KubernetesClient kube;

    @BeforeEach
    void start() {
        rancher = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        rancher.start();
        cluster = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        cluster.init();
        kube = cluster.createClient();
    }

    @AfterEach
    void stop() {
        kube.close();
        cluster.destroy();
        rancher.stop();
    }

    RancherTarget target(String token) {
        return new RancherTarget("edge", new JsonApi(rancher.baseUrl(), token, JSON, Duration.ofSeconds(1)), "c-m-abc12", KubernetesManifests.Exposure
                .defaults(), kubeconfig -> new KubernetesTarget("edge", new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
                        .build(), KubernetesManifests.Exposure.defaults(), false, Duration.ofMillis(100)));
    }

    static String error(int status, String message) {
        return "{\"type\":\"error\",\"status\":\"" + status + "\",\"code\":\"Unauthorized\",\"message\":\"" + message + "\"}";
    }

    @Test
    void theClustersRancherKnowsAreListed() throws Exception {
        rancher.stubFor(get(urlEqualTo("/v3/clusters")).willReturn(okJson("{\"type\":\"collection\",\"resourceType\":\"cluster\",\"data\":["
                + "{\"id\":\"local\",\"type\":\"cluster\",\"name\":\"local\",\"state\":\"active\"},"
                + "{\"id\":\"c-m-abc12\",\"type\":\"cluster\",\"name\":\"edge-eu\",\"state\":\"active\"}]}")));
        assertEquals(List.of(new RancherTarget.RancherCluster("local", "local", "active"), new RancherTarget.RancherCluster("c-m-abc12", "edge-eu",
                "active")), target("token-abc:secret").knownClusters());
    }

    @Test
    void aDeploymentGetsItsKubeconfigFromRancherThenRunsOnTheCluster() throws Exception {
        String kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: edge\n  cluster:\n    server: " + cluster.url("/").replaceAll("/$", "")
                + "\ncontexts:\n- name: edge\n  context:\n    cluster: edge\n    user: edge\ncurrent-context: edge\nusers:\n- name: edge\n  user:\n"
                + "    token: kubeconfig-u-abc:xyz\n";
        rancher.stubFor(post(urlEqualTo("/v3/clusters/c-m-abc12?action=generateKubeconfig")).willReturn(okJson(JSON.writeValueAsString(
                Map.of("baseType", "generateKubeConfigOutput", "type", "generateKubeConfigOutput", "config", kubeconfig)))));
        WorkloadSpec spec = new WorkloadSpec(UUID.randomUUID(), "shop", UUID.randomUUID(), "web", UUID.randomUUID(), "registry.example.com/w@sha256:"
                + "f6".repeat(32), Map.of(), null, null, 500, 256, 1, List.of(), null, null, null, null);
        RancherTarget target = target("token-abc:secret");
        CompletableFuture<Void> rollout = CompletableFuture.runAsync(() -> {
            try {
                target.apply(spec, line -> {
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the Deployment on the cluster", Duration.ofSeconds(10), () -> kube.apps().deployments().inNamespace("openpaas-shop")
                .withName("web").get() != null);
        Deployment d = kube.apps().deployments().inNamespace("openpaas-shop").withName("web").get();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                .withAvailableReplicas(1).build());
        kube.apps().deployments().inNamespace("openpaas-shop").resource(d).updateStatus();
        rollout.get(10, TimeUnit.SECONDS);
        assertEquals("Bearer token-abc:secret", rancher.findAll(postRequestedFor(urlEqualTo("/v3/clusters/c-m-abc12?action=generateKubeconfig")))
                .get(0).getHeader("Authorization"));
    }

    @Test
    void anUnauthorizedOrSilentRancherIsAClearFailure() throws Exception {
        rancher.stubFor(post(urlEqualTo("/v3/clusters/c-m-abc12?action=generateKubeconfig")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(error(401, "must authenticate"))));
        WorkloadSpec spec = new WorkloadSpec(UUID.randomUUID(), "shop", UUID.randomUUID(), "web", UUID.randomUUID(), "x@sha256:" + "a".repeat(64),
                Map.of(), null, null, 500, 256, 1, List.of(), null, null, null, null);
        DeployFailure refused = assertThrows(DeployFailure.class, () -> target("token-abc:secret").apply(spec, line -> {
        }));
        assertTrue(refused.getMessage().contains("401") && refused.getMessage().contains("must authenticate"), refused.getMessage());
        assertFalse(refused.getMessage().contains("secret"), "the token is never in a reason");

        rancher.stubFor(get(urlEqualTo("/v3/clusters")).willReturn(okJson("{\"data\":[]}").withFixedDelay(4000)));
        long start = System.nanoTime();
        DeployFailure silent = assertThrows(DeployFailure.class, () -> target("t").knownClusters());
        assertTrue(silent.getMessage().contains("did not answer"), silent.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    }
}

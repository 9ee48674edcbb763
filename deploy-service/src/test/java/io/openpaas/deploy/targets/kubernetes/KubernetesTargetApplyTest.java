package io.openpaas.deploy.targets.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.openpaas.deploy.targets.DeployFailure;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the kubernetes target sends, checked request by request against the fabric8 test server in
 * expectation mode (its CRUD mode has no server-side apply): every object is a server-side apply
 * PATCH under the platform's field manager, never forced, and a conflict is reported as such.
 */
class KubernetesTargetApplyTest {

    static final String NS = "openpaas-shop";
    static final String IMAGE = "registry.example.com/shop/web@sha256:" + "9a".repeat(32);
    KubernetesMockServer server;
    KubernetesTarget target;
    WorkloadSpec spec;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        target = new KubernetesTarget("test", server.createClient(), KubernetesManifests.Exposure.defaults(), true, Duration.ofMillis(50));
        spec = new WorkloadSpec(UUID.randomUUID(), "shop", UUID.randomUUID(), "web", UUID.randomUUID(), IMAGE, Map.of("MODE", "production"), null, null,
                500, 256, 1, List.of(new WorkloadSpec.Port("http", 8080, true)), new WorkloadSpec.HealthCheck("/", 8080, 5, 2, 3, 0),
                new WorkloadSpec.Bounds(1, 1), List.of(), null);
        server.expect().post().withPath("/api/v1/namespaces").andReturn(201, new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata()
                .build()).always();
    }

    @AfterEach
    void stop() {
        target.close();
        server.destroy();
    }

    static String apply(String path) {
        return path + "?fieldManager=openpaas";
    }

    @Test
    void everyObjectIsAServerSideApplyUnderItsOwnFieldManagerNeverForced() throws Exception {
        Deployment rolledOut = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(NS).withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(1).endSpec().withNewStatus().withObservedGeneration(2L).withReplicas(1).withUpdatedReplicas(1)
                .withAvailableReplicas(1).endStatus().build();
        server.expect().patch().withPath(apply("/apis/apps/v1/namespaces/" + NS + "/deployments/web")).andReturn(200, rolledOut).once();
        server.expect().patch().withPath(apply("/api/v1/namespaces/" + NS + "/services/web")).andReturn(200, "{}").once();
        server.expect().patch().withPath(apply("/apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses/web")).andReturn(200, "{}").once();
        // the status still describes the previous generation: not done until the controller has seen this one
        Deployment stale = new DeploymentBuilder(rolledOut).editStatus().withObservedGeneration(1L).endStatus().build();
        server.expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/web").andReturn(200, stale).times(3);
        server.expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/web").andReturn(200, rolledOut).always();
        // the Secrets of groups no longer linked are looked for (none here)
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/secrets?labelSelector=openpaas.io%2Fservice%3D" + spec.serviceId())
                .andReturn(200, new io.fabric8.kubernetes.api.model.SecretListBuilder().build()).always();

        target.apply(spec, line -> {
        });

        List<RecordedRequest> patches = new ArrayList<>();
        int reads = 0;
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            if ("PATCH".equals(r.getMethod())) {
                patches.add(r);
            }
            reads += "GET".equals(r.getMethod()) && r.getPath().endsWith("/deployments/web") ? 1 : 0;
        }
        assertEquals(4, reads, "three reads of the previous generation's status, then the one that shows this generation done");
        assertEquals(List.of("/apis/apps/v1/namespaces/" + NS + "/deployments/web", "/api/v1/namespaces/" + NS + "/services/web",
                "/apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses/web"), patches.stream().map(r -> r.getPath().split("\\?")[0]).toList());
        for (RecordedRequest patch : patches) {
            assertTrue(patch.getHeader("Content-Type").startsWith("application/apply-patch+yaml"), patch.getHeader("Content-Type"));
            assertTrue(patch.getPath().contains("fieldManager=openpaas"), patch.getPath());
            assertFalse(patch.getPath().contains("force=true"), "conflicts are not forced: " + patch.getPath());
        }
        String body = patches.get(0).getUtf8Body();
        assertTrue(body.contains(IMAGE) && body.contains("\"kind\":\"Deployment\"") && body.contains("\"maxUnavailable\":0"), body);
        assertTrue(body.contains("\"openpaas.io/deployment\":\"" + spec.deploymentId() + "\""), body);
    }

    @Test
    void runtimeLogsComeFromTheServicesPodsEachLinePrefixedWithItsPod() throws Exception {
        String label = "openpaas.io%2Fservice%3D" + spec.serviceId();
        server.expect().get().withPath("/api/v1/pods?labelSelector=" + label).andReturn(200, new io.fabric8.kubernetes.api.model.PodListBuilder()
                .addNewItem().withNewMetadata().withName("web-7d9c-a1").withNamespace(NS).endMetadata().endItem()
                .addNewItem().withNewMetadata().withName("web-7d9c-b2").withNamespace(NS).endMetadata().endItem().build()).always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/web-7d9c-a1/log?pretty=false&tailLines=2").andReturn(200, "one\ntwo\n").once();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/web-7d9c-b2/log?pretty=false&tailLines=2").andReturn(200, "three\n").once();
        List<String> lines = new ArrayList<>();
        target.logs(spec.serviceId(), 2, null, false, lines::add, new java.util.concurrent.CountDownLatch(0));
        assertEquals(List.of("web-7d9c-a1 | one", "web-7d9c-a1 | two", "web-7d9c-b2 | three"), lines);
    }

    @Test
    void aFieldOwnedByAnotherManagerIsAReportedConflictNotForcedOrRetried() throws Exception {
        server.expect().patch().withPath(apply("/apis/apps/v1/namespaces/" + NS + "/deployments/web")).andReturn(409, new StatusBuilder()
                .withStatus("Failure").withReason("Conflict").withCode(409).withMessage("Apply failed with 1 conflict: conflict with \"kubectl-edit\" "
                        + "using apps/v1: .spec.template.spec.containers[name=\"web\"].image").build()).always();
        DeployFailure failure = assertThrows(DeployFailure.class, () -> target.apply(spec, line -> {
        }));
        assertTrue(failure.getMessage().contains("conflict") && failure.getMessage().contains("kubectl-edit"), failure.getMessage());
        int patches = 0;
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            patches += "PATCH".equals(r.getMethod()) ? 1 : 0;
            assertFalse(r.getPath().contains("force=true"));
        }
        assertEquals(1, patches, "a conflict is the cluster's answer: not retried");
    }
}

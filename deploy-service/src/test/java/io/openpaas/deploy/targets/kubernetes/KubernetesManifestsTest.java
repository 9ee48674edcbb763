package io.openpaas.deploy.targets.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The one renderer against golden files (src/test/resources/golden; run with
 * {@code -Dgolden.update=true} to write them again after a deliberate change, then review the diff).
 * Every object must load back with the fabric8 model as what it was rendered as.
 */
class KubernetesManifestsTest {

    static final UUID PROJECT = UUID.fromString("0190a6b0-0000-7000-8000-000000000001");
    static final UUID SERVICE = UUID.fromString("0190a6b0-0000-7000-8000-000000000002");
    static final UUID DEPLOYMENT = UUID.fromString("0190a6b0-0000-7000-8000-000000000003");
    static final String DIGEST = "registry.example.com/shop/web@sha256:" + "ab".repeat(32);
    static final KubernetesManifests.Exposure TLS = new KubernetesManifests.Exposure("apps.example.com", "traefik", Optional.of("letsencrypt"), 600);

    static WorkloadSpec web() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MODE", "production");
        env.put("LOG_LEVEL", "info");
        return new WorkloadSpec(PROJECT, "shop", SERVICE, "web", DEPLOYMENT, DIGEST, env, null, List.of("--port", "8080"), 500, 256, 3,
                List.of(new WorkloadSpec.Port("http", 8080, true), new WorkloadSpec.Port("metrics", 9090, false)),
                new WorkloadSpec.HealthCheck("/healthz", 8080, 5, 2, 3, 10), new WorkloadSpec.Bounds(2, 10), List.of("db", "stripe"), null);
    }

    static WorkloadSpec worker() {
        return new WorkloadSpec(PROJECT, "shop", SERVICE, "worker", DEPLOYMENT, DIGEST, Map.of(), List.of("/app/worker"), null, 250, 128, 1,
                List.of(), null, new WorkloadSpec.Bounds(1, 1), List.of(), null);
    }

    static WorkloadSpec internal() {
        return new WorkloadSpec(PROJECT, "shop", SERVICE, "api", DEPLOYMENT, DIGEST, Map.of("MODE", "test"), null, null, 500, 256, 1,
                List.of(new WorkloadSpec.Port("grpc", 9000, false)), null, null, null, null);
    }

    @Test
    void aPublicServiceWithBoundsSecretsAndHealthCheckGetsEveryObject() throws Exception {
        List<HasMetadata> objects = golden("web", web(), TLS);
        assertEquals(List.of("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"),
                objects.stream().map(HasMetadata::getKind).toList());
    }

    @Test
    void aWorkerWithoutPortsHealthCheckOrBoundsGetsADeploymentOnly() throws Exception {
        List<HasMetadata> objects = golden("worker", worker(), KubernetesManifests.Exposure.defaults());
        assertEquals(List.of("Deployment"), objects.stream().map(HasMetadata::getKind).toList());
    }

    @Test
    void anInternalPortGetsAServiceAndATcpProbeButNoIngress() throws Exception {
        List<HasMetadata> objects = golden("internal", internal(), KubernetesManifests.Exposure.defaults());
        assertEquals(List.of("Deployment", "Service"), objects.stream().map(HasMetadata::getKind).toList());
    }

    @Test
    void podsRollWhenWhatTheyRunChangesButNotWhenTheyAreOnlyScaled() {
        String checksum = template(web()).getMetadata().getAnnotations().get(KubernetesManifests.CHECKSUM);
        assertEquals(checksum, template(web().withReplicas(7)).getMetadata().getAnnotations().get(KubernetesManifests.CHECKSUM));
        assertEquals(template(web()), template(web().asDeployment(UUID.randomUUID(), "shop", "web")), "a new deployment id alone replaces no pod");
        WorkloadSpec otherEnv = new WorkloadSpec(PROJECT, "shop", SERVICE, "web", DEPLOYMENT, DIGEST, Map.of("MODE", "staging"), null,
                List.of("--port", "8080"), 500, 256, 3, web().ports(), web().healthCheck(), web().bounds(), web().secretGroups(), null);
        assertNotEquals(checksum, template(otherEnv).getMetadata().getAnnotations().get(KubernetesManifests.CHECKSUM));
        assertNotEquals(template(web()), template(web().restartedAt(Instant.parse("2026-11-27T10:00:00Z"))), "a restart replaces every pod");
    }

    @Test
    void projectsWithLongSlugsThatShareABeginningGetNamespacesOfTheirOwn() {
        String common = "a".repeat(60);
        String one = KubernetesManifests.namespace(web().asDeployment(DEPLOYMENT, common + "one", "web"));
        String two = KubernetesManifests.namespace(web().asDeployment(DEPLOYMENT, common + "two", "web"));
        assertNotEquals(one, two);
        assertTrue(one.length() <= 63 && two.length() <= 63 && one.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?"), one);
        assertEquals("openpaas-shop", KubernetesManifests.namespace(web()), "a short one is kept whole");
    }

    private static io.fabric8.kubernetes.api.model.PodTemplateSpec template(WorkloadSpec spec) {
        return ((Deployment) KubernetesManifests.render(spec, TLS).get(0)).getSpec().getTemplate();
    }

    /** Renders, compares with the golden file, and loads the YAML back with the fabric8 model. */
    private static List<HasMetadata> golden(String name, WorkloadSpec spec, KubernetesManifests.Exposure exposure) throws Exception {
        String yaml = KubernetesManifests.yaml(KubernetesManifests.render(spec, exposure));
        Path file = Path.of("src/test/resources/golden/manifests-" + name + ".yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, yaml);
        }
        assertEquals(Files.readString(file), yaml, "the rendering of " + name + " differs from " + file);
        Object loaded = new KubernetesSerialization().unmarshal(yaml);
        List<HasMetadata> objects = loaded instanceof List<?> list ? list.stream().map(o -> (HasMetadata) o).toList()
                : loaded instanceof KubernetesList list ? list.getItems() : List.of((HasMetadata) loaded);
        for (HasMetadata object : objects) {
            assertTrue(object.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model"),
                    object.getKind() + " loads as a typed model object, not " + object.getClass());
            assertEquals("openpaas-shop", object.getMetadata().getNamespace());
            assertEquals(SERVICE.toString(), object.getMetadata().getLabels().get(KubernetesManifests.SERVICE));
            assertEquals(DEPLOYMENT.toString(), object.getMetadata().getLabels().get(KubernetesManifests.DEPLOYMENT));
        }
        assertEquals(yaml, KubernetesManifests.yaml(objects), "what loads back is what was rendered");
        return objects;
    }
}

package io.openpaas.gateway.delivery;

import static io.openpaas.gateway.delivery.DeliveryFiles.MANIFESTS;
import static io.openpaas.gateway.delivery.DeliveryFiles.RELEASE;
import static io.openpaas.gateway.delivery.DeliveryFiles.ROOT;
import static io.openpaas.gateway.delivery.DeliveryFiles.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The delivery files of docs/delivery.md: they parse, the manifests are Kubernetes objects, the
 * chart renders them, every service is in each with its port, probes and only the environment
 * its code reads, and no secret value is written in them.
 */
class DeliveryFilesTest {

    /** Set to rewrite deploy/kubernetes/openpaas.yaml from the chart (deploy/kubernetes/render.sh). */
    private static final boolean WRITE = Boolean.getBoolean("openpaas.delivery.write");

    @Test
    void everyYamlFileParses() {
        List<Path> files = DeliveryFiles.yamlFiles();
        assertTrue(files.size() >= 8, "found " + files);
        for (Path file : files) {
            try {
                assertFalse(DeliveryFiles.yamlDocuments(file).isEmpty(), file + " is empty");
            } catch (RuntimeException e) {
                fail(file + " does not parse: " + e.getMessage());
            }
        }
    }

    @Test
    void yamllintPassesWhereInstalled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/yamllint")), "yamllint is not installed here");
        List<String> command = new ArrayList<>(List.of("/usr/bin/yamllint", "-c", ROOT.resolve("deploy/.yamllint").toString()));
        DeliveryFiles.yamlFiles().forEach(p -> command.add(p.toString()));
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(lint.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, lint.exitValue(), out);
    }

    @Test
    void theChartRendersTheManifestsKeptInTheRepository() throws Exception {
        String rendered = DeliveryFiles.renderChart();
        if (WRITE) {
            Files.writeString(MANIFESTS, "# Rendered from deploy/helm/openpaas with its default values (release and namespace "
                    + RELEASE + "): deploy/kubernetes/render.sh.\n# Apply: kubectl create namespace openpaas && "
                    + "deploy/kubernetes/credentials.sh openpaas && kubectl -n openpaas apply -f deploy/kubernetes/openpaas.yaml\n" + rendered);
        }
        List<Map<String, Object>> chart = sorted(DeliveryFiles.yamlDocuments(rendered));
        List<Map<String, Object>> kept = sorted(DeliveryFiles.yamlDocuments(MANIFESTS));
        assertTrue(kept.size() > 30, "objects kept: " + kept.size());
        assertEquals(chart.size(), kept.size(), "objects rendered vs kept");
        for (int i = 0; i < chart.size(); i++) {
            assertEquals(chart.get(i), kept.get(i), "object " + id(kept.get(i)) + " differs from the chart's; run deploy/kubernetes/render.sh");
        }
    }

    @Test
    void everyManifestIsATypedKubernetesObject() {
        for (HasMetadata object : manifests()) {
            assertFalse(object instanceof GenericKubernetesResource, object.getKind() + " " + object.getMetadata().getName() + " is not a known kind");
            assertNotNull(object.getMetadata().getName());
        }
    }

    @Test
    void everyServiceRunsWithItsPortProbesHardeningAndScaling() {
        List<HasMetadata> objects = manifests();
        for (String service : SERVICES) {
            String name = RELEASE + "-" + service;
            Deployment d = one(objects, Deployment.class, name);
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals(8080, c.getPorts().get(0).getContainerPort(), name);
            assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath(), name);
            assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath(), name);
            assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), name);
            assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), name);
            assertTrue(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot(), name);
            assertNotNull(c.getResources().getLimits().get("memory"), name);
            assertNotNull(c.getResources().getRequests().get("cpu"), name);
            boolean talksToCluster = service.equals("deploy-service") || service.equals("build-service");
            assertEquals(talksToCluster, d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(), name + " service account token");
            assertEquals(8080, one(objects, Service.class, name).getSpec().getPorts().get(0).getPort(), name);
            one(objects, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class, name);
            one(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, name);
        }
        // only the gateway is reachable from outside: the Ingress names it and nothing else
        var ingress = one(objects, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, RELEASE + "-gateway");
        assertEquals(RELEASE + "-gateway", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName());
        assertEquals(1, objects.stream().filter(o -> o.getKind().equals("Ingress")).count());
    }

    /** The verbs the code's calls need (KubernetesTarget, KubernetesExecutor), and not more. */
    @Test
    void theRolesAllowWhatTheClusterCodeCallsAndNoMore() {
        List<HasMetadata> objects = manifests();
        var deploy = one(objects, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class, RELEASE + "-deploy-service");
        // createOr(update) on a project's namespace: PUT once it exists; never a delete
        assertEquals(List.of("get", "create", "update"), verbs(deploy.getRules(), "namespaces"));
        assertEquals(List.of("get"), verbs(deploy.getRules(), "pods/log"));
        assertTrue(verbs(deploy.getRules(), "deployments").containsAll(List.of("get", "list", "patch", "update", "delete")));
        var build = one(objects, io.fabric8.kubernetes.api.model.rbac.Role.class, RELEASE + "-build-service");
        assertEquals("openpaas-builds", build.getMetadata().getNamespace());
        one(objects, io.fabric8.kubernetes.api.model.Namespace.class, "openpaas-builds");
        assertEquals(List.of("get", "create", "delete"), verbs(build.getRules(), "jobs"));
        assertEquals(List.of("create"), verbs(build.getRules(), "secrets"));
        assertEquals(1, objects.stream().filter(o -> o.getKind().equals("ClusterRole")).count(), "only deploy-service acts cluster-wide");
    }

    private static List<String> verbs(List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules, String resource) {
        return rules.stream().filter(r -> r.getResources().contains(resource)).flatMap(r -> r.getVerbs().stream()).toList();
    }

    @Test
    void everyServiceIsInTheComposeFileWithItsImageAndHealthCheck() {
        Map<String, Object> services = map(DeliveryFiles.yamlDocuments(ROOT.resolve("docker-compose.yml")).get(0).get("services"));
        for (String service : SERVICES) {
            Map<String, Object> s = map(services.get(service));
            assertNotNull(s, service + " is not in docker-compose.yml");
            assertEquals("src/main/docker/Dockerfile.jvm", map(s.get("build")).get("dockerfile"), service);
            List<?> check = (List<?>) map(s.get("healthcheck")).get("test");
            // exec form through bash: the image's sh (dash) has no /dev/tcp
            assertEquals(List.of("CMD", "bash", "-c"), check.subList(0, 3), service);
            assertTrue(String.valueOf(check.get(3)).contains("/health/ready"), service);
            assertTrue(map(s.get("depends_on")).containsKey("nats"), service);
        }
        for (String infra : List.of("postgres", "nats", "redis", "registry", "prometheus", "grafana", "traefik")) {
            assertTrue(services.containsKey(infra), infra);
        }
        // NATS' health check asks its monitoring port, which its configuration must open
        assertTrue(String.valueOf(map(services.get("nats")).get("healthcheck")).contains("8222/healthz"));
        assertTrue(DeliveryFiles.read(ROOT.resolve("deploy/nats/compose.conf")).contains("http: 127.0.0.1:8222"));
    }

    @Test
    void eachServiceIsGivenOnlyTheEnvironmentItsCodeReads() {
        Map<String, Object> compose = map(DeliveryFiles.yamlDocuments(ROOT.resolve("docker-compose.yml")).get(0).get("services"));
        int checked = 0;
        for (String service : SERVICES) {
            Set<String> known = new TreeSet<>();
            DeliveryFiles.keysReadBy(service).forEach(k -> known.add(DeliveryFiles.envName(k)));
            Set<String> given = new TreeSet<>();
            given.addAll(map(map(compose.get(service)).get("environment")).keySet());
            for (EnvVar env : one(manifests(), Deployment.class, RELEASE + "-" + service).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                given.add(env.getName());
            }
            for (String env : given) {
                assertTrue(known.contains(env), service + " is given " + env + ", which its code does not read");
                checked++;
            }
        }
        assertTrue(checked > 40, "variables checked: " + checked);
    }

    @Test
    void noSecretValueIsWrittenInTheDeliveryFiles() throws Exception {
        for (HasMetadata object : manifests()) {
            assertFalse(object.getKind().equals("Secret"), "a Secret with values in the manifests: " + object.getMetadata().getName());
            if (object instanceof Deployment d) {
                for (EnvVar env : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                    if (env.getName().matches(".*(PASSWORD|TOKEN|_KEY)$")) {
                        assertNotNull(env.getValueFrom(), env.getName() + " of " + d.getMetadata().getName() + " must come from a Secret");
                        assertEquals(null, env.getValue(), env.getName());
                    }
                }
            }
        }
        Map<String, Object> compose = map(DeliveryFiles.yamlDocuments(ROOT.resolve("docker-compose.yml")).get(0).get("services"));
        for (var service : compose.entrySet()) {
            for (var env : map(map(service.getValue()).get("environment")).entrySet()) {
                if (env.getKey().matches(".*(PASSWORD|TOKEN|_KEY)$")) {
                    assertTrue(String.valueOf(env.getValue()).matches("\\$\\{[A-Z_]+:-}"),
                            env.getKey() + " of " + service.getKey() + " is written in the file, not taken from the environment");
                }
            }
        }
        List<Path> files = new ArrayList<>(DeliveryFiles.yamlFiles());
        try (var all = Files.walk(ROOT.resolve("deploy"))) {
            all.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.state/")).forEach(files::add);
        }
        for (Path file : files) {
            String text = DeliveryFiles.read(file);
            assertFalse(text.contains("PRIVATE KEY-----"), file + " holds a private key");
            assertFalse(text.matches("(?s).*opaas_[A-Za-z0-9]{4,16}_[A-Za-z0-9]{16,}.*"), file + " holds an API token");
        }
    }

    static List<HasMetadata> manifests() {
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> doc : DeliveryFiles.yamlDocuments(MANIFESTS)) {
            String yaml = new org.yaml.snakeyaml.Yaml().dump(doc);
            objects.add(Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
        }
        return objects;
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind, String name) {
        List<T> found = objects.stream().filter(kind::isInstance).map(kind::cast).filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertEquals(1, found.size(), kind.getSimpleName() + " " + name);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static String id(Map<String, Object> doc) {
        return doc.get("kind") + "/" + map(doc.get("metadata")).get("namespace") + "/" + map(doc.get("metadata")).get("name");
    }

    private static List<Map<String, Object>> sorted(List<Map<String, Object>> docs) {
        List<Map<String, Object>> out = new ArrayList<>(docs);
        out.sort(Comparator.comparing(DeliveryFilesTest::id));
        return out;
    }
}

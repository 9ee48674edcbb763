package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.openpaas.common.testing.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The platform's whole job on a Kubernetes cluster, through the gateway, every service its own
 * process: an admin registers the cluster (the fabric8 test server, in CRUD mode), a project names
 * it, a commit is built with buildah, the build deploys itself to the cluster, and the deployment
 * is AVAILABLE once the cluster reports the rollout done (the test plays the Deployment controller).
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "services", value = "all"), @ResourceArg(name = "rate-limit", value = "0")})
class GitToClusterEndToEndTest {

    static final String PLANTED = "planted-e2e-cluster-token-" + UUID.randomUUID();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void aCommitIsBuiltAndDeploysItselfToTheProjectsCluster() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        server.init();
        try (KubernetesClient kube = server.createClient()) {
            String jwt = GatewayEndToEndTest.adminJwt();
            String cluster = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
            String kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "")
                    + "\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n"
                    + "    token: " + PLANTED + "\n";
            String clusterId = given().auth().oauth2(jwt).contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of("name", cluster,
                    "kind", "kubernetes", "kubeconfig", kubeconfig))).post("/api/v1/clusters").then().statusCode(201).extract().path("id");

            Path root = Files.createTempDirectory("e2e-cluster-git");
            String repository = GitToUrlEndToEndTest.commit(root, "on a cluster", true);
            String projectSlug = "k8s-" + UUID.randomUUID().toString().substring(0, 6);
            String project = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"On a cluster\",\"slug\":\"" + projectSlug
                    + "\",\"cluster\":\"" + cluster + "\"}").post("/api/v1/projects").then().statusCode(201).extract().path("id");
            String service = given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"Web\",\"build_source\":{\"type\":\"git\","
                    + "\"repository\":\"" + repository + "\",\"branch\":\"main\"},\"ports\":[{\"name\":\"http\",\"port\":8080,\"public\":true}],"
                    + "\"resources\":{\"memory_mb\":64}}").post("/api/v1/projects/" + project + "/services").then().statusCode(201).extract().path("id");
            String slug = given().auth().oauth2(jwt).get("/api/v1/services/" + service).path("slug");
            String build = GitToUrlEndToEndTest.build(jwt, service);

            String namespace = "openpaas-" + projectSlug;
            Await.until("the build's Deployment on the cluster", Duration.ofSeconds(180), () -> kube.apps().deployments().inNamespace(namespace)
                    .withName(slug).get() != null);
            Deployment d = kube.apps().deployments().inNamespace(namespace).withName(slug).get();
            String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertTrue(image.contains("@sha256:"), "the build's image, by digest: " + image);
            kube.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(slug + "-x1").withNamespace(namespace)
                    .addToLabels("openpaas.io/service", service).addToLabels("app.kubernetes.io/name", slug)
                    .addToLabels("app.kubernetes.io/managed-by", "openpaas").endMetadata().withNewStatus().addNewContainerStatus().withName(slug)
                    .withReady(true).withRestartCount(0).withNewState().withNewRunning().endRunning().endState().endContainerStatus().endStatus()
                    .build()).create();
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                    .withAvailableReplicas(1).withReadyReplicas(1).build());
            kube.apps().deployments().inNamespace(namespace).resource(d).updateStatus();

            String deployment = given().auth().oauth2(jwt).get("/api/v1/services/" + service + "/deployments").then().statusCode(200).extract()
                    .jsonPath().<String>getList("items.findAll { it.build_id == '" + build + "' }.id").get(0);
            Await.until("AVAILABLE", Duration.ofSeconds(30), () -> "AVAILABLE".equals(given().auth().oauth2(jwt)
                    .get("/api/v1/deployments/" + deployment).path("state")));
            assertEquals(cluster, given().auth().oauth2(jwt).get("/api/v1/deployments/" + deployment).path("cluster"));
            Await.until("one ready replica counted from the cluster", Duration.ofSeconds(15), () -> Integer.valueOf(1).equals(given().auth()
                    .oauth2(jwt).get("/api/v1/services/" + service + "/status").path("ready_replicas")));

            GitToUrlEndToEndTest test = new GitToUrlEndToEndTest();
            List<JsonNode> buildEvents = test.events("paas.build." + project + ".>", build);
            assertEquals("paas.build.succeeded", buildEvents.get(buildEvents.size() - 1).path("type").asText());
            List<JsonNode> deployEvents = test.events("paas.deploy." + project + ".>", deployment);
            assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"),
                    GitToUrlEndToEndTest.types(deployEvents));
            assertEquals(buildEvents.get(buildEvents.size() - 1).path("data").path("image").asText(), image);

            // the registration is audited, the kubeconfig's token is nowhere to be read
            Await.until("the registration audited", Duration.ofSeconds(30), () -> given().auth().oauth2(jwt)
                    .get("/api/v1/audit?resource=" + clusterId).then().extract().asString().contains("cluster_registered"));
            for (String path : List.of("/api/v1/audit?resource=" + clusterId, "/api/v1/clusters", "/api/v1/clusters/" + clusterId,
                    "/api/v1/deployments/" + deployment, "/api/v1/deployments/" + deployment + "/manifests")) {
                String answer = given().auth().oauth2(jwt).get(path).then().statusCode(200).extract().asString();
                assertFalse(answer.contains(PLANTED), path + ": " + answer);
            }
            for (JsonNode e : test.events("paas.deploy._.>", clusterId)) {
                assertFalse(e.toString().contains(PLANTED), e.toString());
            }
            // the project goes, its service leaves the cluster, and the cluster, named by no one now, can be removed
            given().auth().oauth2(jwt).delete("/api/v1/projects/" + project).then().statusCode(204);
            Await.until("the service removed from the cluster", Duration.ofSeconds(30), () -> kube.apps().deployments().inNamespace(namespace)
                    .withName(slug).get() == null);
            Await.until("the cluster removed", Duration.ofSeconds(30), () -> given().auth().oauth2(jwt).delete("/api/v1/clusters/" + clusterId)
                    .statusCode() == 204);

            // nor in any service's log
            try (var logs = Files.list(PlatformProcesses.workDir)) {
                List<Path> files = logs.filter(f -> f.toString().endsWith(".log")).toList();
                assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("deploy-service.log")), files.toString());
                for (Path log : files) {
                    assertFalse(Files.readString(log).contains(PLANTED), log.toString());
                }
            }
        } finally {
            server.destroy();
        }
    }
}

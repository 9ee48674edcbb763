package io.openpaas.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deployments to a Kubernetes cluster through the API, against the fabric8 test server in CRUD
 * mode (it has no controller: the test plays the Deployment controller by writing the rollout's
 * status). The cluster is registered like a user would, with a kubeconfig that carries a token the
 * test plants and then looks for everywhere it must not be.
 */
@QuarkusTest
class ClusterDeploymentsTest extends DeployWorld {

    static final String PLANTED = "planted-cluster-token-" + UUID.randomUUID();
    static final String IMAGE_ONE = "registry.example.com/shop/web@sha256:" + "a1".repeat(32);
    static final String IMAGE_TWO = "registry.example.com/shop/web@sha256:" + "b2".repeat(32);
    static KubernetesMockServer server;
    static KubernetesClient kube;
    static String cluster;
    static String clusterId;

    @BeforeAll
    static void cluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        kube = server.createClient();
    }

    /** The clusters this class registered. */
    static final List<String> registered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void stop() {
        kube.close();
        server.destroy();
        // the database outlives the run: leave no cluster (nor deployment serving on one) that points at a server now gone
        for (String name : registered) {
            Sql.execute("update deploys.deployments set state = 'SUPERSEDED' where cluster = ? and state = 'AVAILABLE'", name);
            Sql.execute("delete from deploys.clusters where name = ?", name);
        }
    }

    static String kubeconfig(String url, String token) {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + url + "\ncontexts:\n- name: c\n  context:\n"
                + "    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: " + token + "\n";
    }

    static String register(String body) {
        var created = given().auth().oauth2(TestTokens.admin()).contentType("application/json").body(body).post("/api/v1/clusters")
                .then().statusCode(201).extract();
        registered.add(created.path("name"));
        return created.path("id");
    }

    @BeforeEach
    void onTheCluster() throws Exception {
        if (cluster == null) {
            cluster = "k8s-" + UUID.randomUUID().toString().substring(0, 8);
            clusterId = register("{\"name\":\"" + cluster + "\",\"kind\":\"kubernetes\",\"kubeconfig\":" + json.writeValueAsString(
                    kubeconfig(server.url("/").replaceAll("/$", ""), PLANTED)) + ",\"domain\":\"apps.example.com\"}");
        }
        moveProject(cluster);
    }

    void moveProject(String to) {
        publish("PAAS_PROJECT", "project", "updated", project, project, "{\"id\":\"" + project + "\",\"slug\":\"" + projectSlug
                + "\",\"cluster\":\"" + to + "\"}");
        Await.until("the project on " + to, Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.project_slugs "
                + "where project_id = ?::uuid and cluster = ?", project, to) == 1);
    }

    String namespace() {
        return "openpaas-" + projectSlug;
    }

    Deployment object() {
        return kube.apps().deployments().inNamespace(namespace()).withName(slug).get();
    }

    /** Plays the Deployment controller and the kubelet: the generation seen, every replica updated, available, and running as a ready pod. */
    void rolledOut(int replicas) {
        kube.pods().inNamespace(namespace()).withLabel("openpaas.io/service", service).delete();
        for (int i = 0; i < replicas; i++) {
            kube.pods().inNamespace(namespace()).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                    .withName(slug + "-" + UUID.randomUUID().toString().substring(0, 5)).withNamespace(namespace())
                    .addToLabels("openpaas.io/service", service).addToLabels("app.kubernetes.io/name", slug)
                    .addToLabels("app.kubernetes.io/managed-by", "openpaas").endMetadata()
                    .withNewStatus().addNewContainerStatus().withName(slug).withReady(true).withRestartCount(0).withNewState().withNewRunning()
                    .endRunning().endState().endContainerStatus().endStatus().build()).create();
        }
        Deployment d = object();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(replicas)
                .withUpdatedReplicas(replicas).withAvailableReplicas(replicas).withReadyReplicas(replicas).build());
        kube.apps().deployments().inNamespace(namespace()).resource(d).updateStatus();
    }

    void awaitObject(String what, java.util.function.Predicate<Deployment> condition) {
        Await.until(what, Duration.ofSeconds(30), () -> {
            Deployment d = object();
            return d != null && condition.test(d);
        });
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void aDeploymentIsAppliedFollowedAndAvailableOnceTheClusterReportsItRolledOut() {
        String first = deploy(IMAGE_ONE);
        awaitObject("the Deployment applied", d -> IMAGE_ONE.equals(image(d)));
        // applied one after the other: the autoscaler is the last
        Await.until("every object applied", Duration.ofSeconds(15), () -> kube.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace()).withName(slug).get() != null);
        Await.until("PROGRESSING", Duration.ofSeconds(15), () -> "PROGRESSING".equals(state(first)));
        Deployment d = object();
        assertEquals(first, d.getMetadata().getLabels().get("openpaas.io/deployment"));
        assertNull(d.getSpec().getReplicas(), "the service scales between 1 and 5: the count is its autoscaler's");
        var hpa = kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace()).withName(slug).get();
        assertEquals(List.of(1, 5), List.of(hpa.getSpec().getMinReplicas(), hpa.getSpec().getMaxReplicas()));
        assertNotNull(kube.services().inNamespace(namespace()).withName(slug).get(), "its Service");
        assertEquals(slug + "." + projectSlug + ".apps.example.com",
                kube.network().v1().ingresses().inNamespace(namespace()).withName(slug).get().getSpec().getRules().get(0).getHost());
        assertNotNull(kube.namespaces().withName(namespace()).get(), "the project's namespace, made by the platform");
        assertEquals("PROGRESSING", state(first), "not AVAILABLE before the cluster says so");

        rolledOut(1);
        awaitAvailable(first);
        assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"), events(first));
        assertEquals(1, ready(), "the running pods, counted from the cluster");
        String manifests = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + first + "/manifests")
                .then().statusCode(200).contentType("application/yaml").extract().asString();
        assertTrue(manifests.contains("kind: \"Deployment\"") && manifests.contains(IMAGE_ONE) && manifests.contains("kind: \"Ingress\""), manifests);

        // a new image: the status the cluster still shows is the previous generation's, so it is not done yet
        String second = deploy(IMAGE_TWO);
        awaitObject("v2 applied", x -> IMAGE_TWO.equals(image(x)));
        int requests = server.getRequestCount();
        Await.until("deploy-service looked at the rollout again", Duration.ofSeconds(10), () -> server.getRequestCount() >= requests + 5);
        assertEquals("PROGRESSING", state(second), "not done while the controller has not seen the new generation");
        rolledOut(1);
        awaitAvailable(second);

        // a scale of an autoscaled service raises the autoscaler's floor, and leaves the pods' template as it was
        String checksum = object().getSpec().getTemplate().getMetadata().getAnnotations().get("openpaas.io/config-checksum");
        String scaled = accepted("/scale", "{\"replicas\":3}");
        Await.until("three replicas at least", Duration.ofSeconds(30), () -> kube.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace()).withName(slug).get().getSpec().getMinReplicas() == 3);
        assertEquals(checksum, object().getSpec().getTemplate().getMetadata().getAnnotations().get("openpaas.io/config-checksum"));
        rolledOut(3);
        awaitAvailable(scaled);
        assertNotNull(kube.policy().v1().podDisruptionBudget().inNamespace(namespace()).withName(slug).get(), "a budget once there are 3");
        assertEquals("SUPERSEDED", state(first));
        Await.until("three ready", Duration.ofSeconds(10), () -> ready() == 3);
        assertEquals(List.of("paas.deploy.pending", "paas.deploy.applying", "paas.deploy.progressing", "paas.deploy.available"), events(scaled),
                "no replica reported failed while the cluster runs them all");
    }

    @Test
    void aRolloutPastItsProgressDeadlineFailsAndAutoRollbackAppliesThePreviousImage() {
        updateService("test", true);
        String first = deploy(IMAGE_ONE);
        awaitObject("v1 applied", d -> IMAGE_ONE.equals(image(d)));
        rolledOut(1);
        awaitAvailable(first);

        String second = deploy(IMAGE_TWO);
        awaitObject("v2 applied", d -> IMAGE_TWO.equals(image(d)));
        Deployment d = object();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(2).withUpdatedReplicas(1)
                .withAvailableReplicas(1).withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.").build()).build());
        kube.apps().deployments().inNamespace(namespace()).resource(d).updateStatus();
        Await.until("FAILED", Duration.ofSeconds(15), () -> "FAILED".equals(state(second)));
        String reason = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + second).path("reason");
        assertTrue(reason.contains("no progress"), reason);

        Await.until("an auto-rollback", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.deployments where service_id = ?::uuid "
                + "and trigger = 'auto-rollback'", service) == 1);
        awaitObject("v1 applied again", x -> IMAGE_ONE.equals(image(x)));
        rolledOut(1);
        String rollback = Sql.text("select cast(id as text) from deploys.deployments where service_id = ?::uuid and trigger = 'auto-rollback'", service);
        awaitAvailable(rollback);
    }

    @Test
    void newScalingBoundsReachTheClustersAutoscaler() {
        String first = deploy(IMAGE_ONE);
        awaitObject("applied", d -> true);
        rolledOut(1);
        awaitAvailable(first);
        publish("PAAS_SERVICE", "service", "updated", project, service, serviceData("test", false).replace("\"max\":5", "\"max\":8"));
        Await.until("the new bounds applied", Duration.ofSeconds(30), () -> kube.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace()).withName(slug).get().getSpec().getMaxReplicas() == 8);
        assertEquals("config", Sql.text("select trigger from deploys.deployments where service_id = ?::uuid order by id desc limit 1", service));
    }

    @Test
    void aDeletedServiceLeavesNothingInTheCluster() {
        String first = deploy(IMAGE_ONE);
        awaitObject("applied", d -> true);
        rolledOut(1);
        awaitAvailable(first);
        publish("PAAS_SERVICE", "service", "deleted", project, service, "{\"id\":\"" + service + "\",\"project_id\":\"" + project
                + "\",\"slug\":\"" + slug + "\"}");
        Await.until("its objects removed", Duration.ofSeconds(30), () -> object() == null
                && kube.services().inNamespace(namespace()).withName(slug).get() == null
                && kube.network().v1().ingresses().inNamespace(namespace()).withName(slug).get() == null);
    }

    @Test
    void movingTheProjectToAnotherClusterDeploysThereThenRemovesItHere() throws Exception {
        String first = deploy(IMAGE_ONE);
        awaitObject("applied", d -> true);
        rolledOut(1);
        awaitAvailable(first);

        String repo = Files.createTempDirectory("gitops").resolve("repo.git").toString();
        String gitops = "git-" + UUID.randomUUID().toString().substring(0, 8);
        register("{\"name\":\"" + gitops + "\",\"kind\":\"gitops\",\"repository\":\"" + repo + "\"}");
        moveProject(gitops);
        Await.until("a deployment to the new cluster", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.deployments "
                + "where service_id = ?::uuid and trigger = 'cluster' and cluster = ?", service, gitops) == 1);
        String moved = Sql.text("select cast(id as text) from deploys.deployments where service_id = ?::uuid and trigger = 'cluster'", service);
        awaitAvailable(moved);
        assertEquals(IMAGE_ONE, given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + moved).path("image"));
        Await.until("gone from the cluster it left", Duration.ofSeconds(30), () -> object() == null);
    }

    @Test
    void anUnreachableClusterFailsTheDeploymentWithAClearReasonAndIsReportedUnreachable() throws Exception {
        String dead = "dead-" + UUID.randomUUID().toString().substring(0, 8);
        String id = register("{\"name\":\"" + dead + "\",\"kind\":\"kubernetes\",\"kubeconfig\":" + json.writeValueAsString(
                kubeconfig("https://127.0.0.1:1", PLANTED)) + "}");
        moveProject(dead);
        String d = deploy(IMAGE_ONE);
        Await.until("FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(state(d)));
        String reason = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + d).path("reason");
        assertTrue(reason.contains("did not answer") || reason.contains("unreachable"), reason);
        assertFalse(reason.contains(PLANTED), reason);
        var view = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/clusters/" + id).then().statusCode(200).extract().jsonPath();
        assertFalse(view.getBoolean("reachable"));
        assertTrue(given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/clusters/" + clusterId).then().statusCode(200)
                .extract().jsonPath().getBoolean("reachable"), "the test server answers");
    }

    @Test
    void clusterCredentialsAreWriteOnlyAndNeverLeaveSealed() throws Exception {
        String listed = given().auth().oauth2(TestTokens.user(developer)).get("/api/v1/clusters").then().statusCode(200).extract().asString();
        String one = given().auth().oauth2(TestTokens.admin()).get("/api/v1/clusters/" + clusterId).then().statusCode(200).extract().asString();
        assertTrue(listed.contains(cluster) && listed.contains("\"has_credentials\":true"), listed);
        for (String answer : List.of(listed, one)) {
            assertFalse(answer.contains(PLANTED) || answer.contains("kubeconfig"), answer);
        }
        assertEquals(1, Sql.count("select count(*) from deploys.clusters where id = ?::uuid and length(credentials) > 40 "
                + "and position(convert_to(?, 'UTF8') in credentials) = 0", clusterId, PLANTED), "sealed at rest");
        assertEquals(0, Sql.count("select count(*) from deploys.clusters where settings like ?", "%" + PLANTED + "%"));
        try (StreamProbe nats = new StreamProbe()) {
            List<String> events = nats.bodies("paas.deploy._.>");
            assertTrue(events.stream().anyMatch(e -> e.contains(clusterId) && e.contains("cluster_registered")), "the registration is an event");
            events.forEach(e -> assertFalse(e.contains(PLANTED), e));
        }
        // a user error names the field, never echoes it
        String refused = given().auth().oauth2(TestTokens.admin()).contentType("application/json").body("{\"name\":\"bad-" + UUID.randomUUID()
                .toString().substring(0, 6) + "\",\"kind\":\"kubernetes\",\"kubeconfig\":\"" + PLANTED + "\"}").post("/api/v1/clusters")
                .then().statusCode(400).contentType("application/problem+json").extract().asString();
        assertFalse(refused.contains(PLANTED), refused);
        assertNull(Sql.text("select name from deploys.clusters where name like 'bad-%'"));
    }

    @Test
    void theClustersARegisteredRancherKnowsAreListedWithTheRegisteredOnes() {
        var rancher = new com.github.tomakehurst.wiremock.WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .dynamicPort());
        rancher.start();
        String id = null;
        try {
            String rancherToken = "token-" + UUID.randomUUID() + ":secret";
            rancher.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/v3/clusters").withHeader("Authorization",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + rancherToken)).willReturn(com.github.tomakehurst.wiremock
                            .client.WireMock.okJson("{\"type\":\"collection\",\"data\":[{\"id\":\"c-m-abc12\",\"name\":\"edge-eu\","
                                    + "\"state\":\"active\"},{\"id\":\"c-m-zz9\",\"name\":\"lab\",\"state\":\"provisioning\"}]}")));
            String name = "edge-" + UUID.randomUUID().toString().substring(0, 6);
            id = register("{\"name\":\"" + name + "\",\"kind\":\"rancher\",\"url\":\"" + rancher.baseUrl() + "\",\"token\":\""
                    + rancherToken + "\",\"rancher_cluster_id\":\"c-m-abc12\"}");
            var listed = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/clusters").then().statusCode(200).extract();
            String url = rancher.baseUrl();
            assertEquals(name, listed.jsonPath().getString("rancher_clusters.find { it.rancher == '" + url + "' && it.id == 'c-m-abc12' }.registered_as"));
            assertEquals("provisioning", listed.jsonPath().getString("rancher_clusters.find { it.rancher == '" + url + "' && it.id == 'c-m-zz9' }.state"));
            assertNull(listed.jsonPath().getString("rancher_clusters.find { it.rancher == '" + url + "' && it.id == 'c-m-zz9' }.registered_as"));
            assertFalse(listed.asString().contains(rancherToken), "the Rancher token is never shown");
        } finally {
            if (id != null) { // the other tests list clusters too: no Rancher that has gone away
                given().auth().oauth2(TestTokens.admin()).delete("/api/v1/clusters/" + id).then().statusCode(204);
            }
            rancher.stop();
        }
    }

    @Test
    void registrationIsCheckedPerKindAndAClusterInUseCannotBeRemoved() {
        String admin = TestTokens.admin();
        String run = UUID.randomUUID().toString().substring(0, 6); // names of this run only: the database outlives it
        for (String body : List.of("{\"name\":\"local\",\"kind\":\"gitops\"}", "{\"name\":\"" + cluster + "\",\"kind\":\"gitops\"}")) {
            given().auth().oauth2(admin).contentType("application/json").body(body).post("/api/v1/clusters").then().statusCode(409);
        }
        for (String body : List.of("{\"name\":\"x1-" + run + "\",\"kind\":\"kubernetes\"}", "{\"name\":\"x2-" + run + "\",\"kind\":\"nomad\"}",
                "{\"name\":\"x3-" + run + "\",\"kind\":\"argocd\",\"url\":\"https://argo.example.com\",\"repository\":\"https://git.example.com/r.git\"}",
                "{\"name\":\"x4-" + run + "\",\"kind\":\"rancher\",\"url\":\"https://user:pw@rancher.example.com\",\"token\":\"t\",\"rancher_cluster_id\":\"c-1\"}",
                "{\"name\":\"x5-" + run + "\",\"kind\":\"gitops\",\"repository\":\"https://user:pw@git.example.com/r.git\"}", "{\"name\":\"Not A Name\",\"kind\":\"gitops\"}",
                "{\"name\":\"x6-" + run + "\",\"kind\":\"gitops\",\"path\":\"../../etc\"}", "{\"name\":\"x7-" + run + "\",\"kind\":\"gitops\",\"path\":\"a/.git/hooks\"}",
                "{\"name\":\"x8-" + run + "\",\"kind\":\"gitops\",\"branch\":\"main..x\"}",
                "{\"name\":\"x9-" + run + "\",\"kind\":\"gitops\",\"repository\":\"ssh://git:secret@git.example.com/r.git\"}")) {
            given().auth().oauth2(admin).contentType("application/json").body(body).post("/api/v1/clusters").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        // a kubeconfig that would run a command or read a file when loaded is refused before it is loaded
        String exec = kubeconfig("https://k8s.example.com", "t").replace("    token: t\n", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                + "      command: /bin/sh\n      args: [\"-c\", \"touch /tmp/openpaas-exec-" + clusterId + "\"]\n");
        String file = kubeconfig("https://k8s.example.com", "t").replace("    token: t\n", "    tokenFile: /etc/shadow\n");
        for (String k : List.of(exec, file)) {
            try {
                String problem = given().auth().oauth2(admin).contentType("application/json").body(json.writeValueAsString(java.util.Map.of("name",
                        "x10-" + run, "kind", "kubernetes", "kubeconfig", k))).post("/api/v1/clusters").then().statusCode(400).extract().asString();
                assertTrue(problem.contains("kubeconfig"), problem);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/openpaas-exec-" + clusterId)), "the command never ran");
        assertEquals(0, Sql.count("select count(*) from deploys.clusters where name like ?", "%-" + run));
        given().auth().oauth2(admin).delete("/api/v1/clusters/" + clusterId).then().statusCode(409);
        given().auth().oauth2(admin).delete("/api/v1/clusters/00000000-0000-0000-0000-000000000000").then().statusCode(409);
    }

    void secretUpdated(int version, List<String> services, List<String> previous) {
        publish("PAAS_SECRET", "secret", "updated", project, UUID.randomUUID().toString(), "{\"project_id\":\"" + project
                + "\",\"group\":\"db\",\"version\":" + version + ",\"keys\":[\"DB_PASSWORD\"],\"services\":" + quoted(services)
                + ",\"previous_services\":" + quoted(previous) + ",\"store\":\"builtin\"}");
    }

    static String quoted(List<String> ids) {
        return ids.stream().map(i -> "\"" + i + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    String secretValue(String name) {
        var secret = kube.secrets().inNamespace(namespace()).withName(name).get();
        return secret == null ? null : new String(java.util.Base64.getDecoder().decode(secret.getData().get("DB_PASSWORD")),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aLinkedGroupBecomesTheSecretTheDeploymentNamesAndANewVersionRollsThePods() throws Exception {
        String one = "planted-secret-one-" + UUID.randomUUID();
        String two = "planted-secret-two-" + UUID.randomUUID();
        var current = new java.util.concurrent.atomic.AtomicReference<>(new io.openpaas.common.secrets.SecretDelivery.Group("db", 1,
                java.util.Map.of("DB_PASSWORD", one), "builtin", null));
        try (var responder = new io.openpaas.common.testing.SecretsResponderStub(() -> List.of(current.get()))) {
            secretUpdated(1, List.of(service), List.of());
            Await.until("the link projected", Duration.ofSeconds(15), () -> Sql.count("select count(*) from deploys.secret_links "
                    + "where project_id = ?::uuid and version = 1", project) == 1);
            String first = deploy(IMAGE_ONE);
            String secretName = slug + "-db";
            Await.until("the group's Secret", Duration.ofSeconds(30), () -> one.equals(secretValue(secretName)));
            awaitObject("the Deployment applied", d -> IMAGE_ONE.equals(image(d)));
            assertEquals(secretName, object().getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getSecretRef().getName());
            rolledOut(1);
            awaitAvailable(first);
            String checksum = object().getSpec().getTemplate().getMetadata().getAnnotations().get("openpaas.io/config-checksum");

            // a new version: the service rolls by itself, the Secret holds the new value and the pods' template changes
            current.set(new io.openpaas.common.secrets.SecretDelivery.Group("db", 2, java.util.Map.of("DB_PASSWORD", two), "builtin", null));
            secretUpdated(2, List.of(service), List.of(service));
            Await.until("a rollout for the new version", Duration.ofSeconds(30), () -> two.equals(secretValue(secretName)));
            awaitObject("new pods asked for", d -> !checksum.equals(d.getSpec().getTemplate().getMetadata().getAnnotations()
                    .get("openpaas.io/config-checksum")));
            String rolled = Sql.text("select cast(id as text) from deploys.deployments where service_id = ?::uuid and trigger = 'secret'", service);
            rolledOut(1);
            awaitAvailable(rolled);

            // unlinked: the next rollout drops the Secret and the reference to it
            secretUpdated(3, List.of(), List.of(service));
            awaitObject("no envFrom", d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().isEmpty());
            assertEquals(two, secretValue(secretName), "kept until the new pods run: old pods that restart meanwhile still find it");
            rolledOut(1);
            Await.until("the Secret removed once the rollout is done", Duration.ofSeconds(30), () -> secretValue(secretName) == null);

            // the values were never stored, published or shown by deploy-service
            for (String planted : List.of(one, two)) {
                assertEquals(0, Sql.count("select count(*) from deploys.deployments d where position(? in d::text) > 0", planted));
                assertEquals(0, Sql.count("select count(*) from deploys.outbox_events o where position(? in o::text) > 0", planted));
                String manifests = given().auth().oauth2(TestTokens.user(viewer)).get("/api/v1/deployments/" + rolled + "/manifests")
                        .then().statusCode(200).extract().asString();
                assertFalse(manifests.contains(planted), "the manifests endpoint shows a value");
            }
        }
    }
}

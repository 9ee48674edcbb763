package io.openpaas.deploy.targets.gitops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openpaas.deploy.targets.RolloutProgress;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GitOps target against a real repository: what it commits is read back with JGit, commit by commit. */
class GitOpsTargetTest {

    static final String PLANTED_TOKEN = "planted-git-token-" + UUID.randomUUID();
    static final String V1 = "registry.example.com/shop/web@sha256:" + "c3".repeat(32);
    static final String V2 = "registry.example.com/shop/web@sha256:" + "d4".repeat(32);
    static final UUID SERVICE = UUID.randomUUID();
    Path root;
    Path bare;
    GitOpsTarget target;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void repository() throws Exception {
        root = Files.createTempDirectory("gitops-test");
        bare = root.resolve("gitops.git");
        target = new GitOpsTarget("prod", bare.toString(), Optional.of(PLANTED_TOKEN), "main", "prod", root.resolve("work-1"),
                KubernetesManifests.Exposure.defaults());
    }

    static WorkloadSpec spec(String image, int replicas) {
        return new WorkloadSpec(UUID.randomUUID(), "shop", SERVICE, "web", UUID.randomUUID(), image, Map.of("MODE", "production"), null, null, 500,
                256, replicas, List.of(new WorkloadSpec.Port("http", 8080, true)), new WorkloadSpec.HealthCheck("/", 8080, 5, 2, 3, 0),
                new WorkloadSpec.Bounds(replicas, replicas), List.of("db"), null);
    }

    RolloutProgress progress() {
        return new RolloutProgress() {
            @Override
            public void log(String line) {
                seen.add("log " + line);
            }

            @Override
            public void progressing() {
                seen.add("progressing");
            }

            @Override
            public void beforeTrafficMoves() {
                seen.add("before traffic");
            }

            @Override
            public void trafficMoved() {
                seen.add("traffic moved");
            }
        };
    }

    @Test
    void eachDeploymentScaleAndRollbackIsOneCommitOfTheRenderedManifests() throws Exception {
        WorkloadSpec first = spec(V1, 2);
        target.apply(first, progress());
        assertEquals(List.of("progressing", "before traffic"), seen.subList(0, 2));
        assertEquals("traffic moved", seen.get(seen.size() - 1), "AVAILABLE once committed and pushed");

        WorkloadSpec scaled = first.asDeployment(UUID.randomUUID(), "shop", "web").withReplicas(3);
        target.apply(scaled, progress());
        WorkloadSpec second = spec(V2, 3);
        target.apply(second, progress());
        WorkloadSpec rollback = first.asDeployment(UUID.randomUUID(), "shop", "web");
        target.apply(rollback, progress());

        List<RevCommit> commits = history();
        assertEquals(4, commits.size());
        WorkloadSpec[] order = {rollback, second, scaled, first};
        for (int i = 0; i < order.length; i++) {
            assertTrue(commits.get(i).getFullMessage().contains("deployment " + order[i].deploymentId()), commits.get(i).getFullMessage());
        }
        assertEquals(V1 + " x2", imageAndReplicas(commits.get(3)));
        assertEquals(V1 + " x3", imageAndReplicas(commits.get(2)));
        assertEquals(V2 + " x3", imageAndReplicas(commits.get(1)));
        assertEquals(V1 + " x2", imageAndReplicas(commits.get(0)), "the rollback restores the first deployment's manifests");
        assertEquals(template(commits.get(3)), template(commits.get(0)), "the same pods as the first time");
    }

    static final String PLANTED_VALUE = "planted-secret-value-" + UUID.randomUUID();

    @Test
    void noCredentialOrSecretValueIsEverCommittedOnlyAnExternalSecretReference() throws Exception {
        // the group in Vault: an ExternalSecret names where the cluster's operator reads it, never the value
        WorkloadSpec withValues = spec(V1, 1).withSecrets(new io.openpaas.deploy.targets.ResolvedSecrets(List.of(
                new io.openpaas.common.secrets.SecretDelivery.Group("db", 4, Map.of("DB_PASSWORD", PLANTED_VALUE), "vault",
                        "secret/openpaas/p1/db"))));
        target.apply(withValues, progress());
        // a group in the built-in store cannot reach a GitOps cluster: refused, nothing committed
        WorkloadSpec builtin = spec(V2, 1).withSecrets(new io.openpaas.deploy.targets.ResolvedSecrets(List.of(
                new io.openpaas.common.secrets.SecretDelivery.Group("db", 5, Map.of("DB_PASSWORD", PLANTED_VALUE), "builtin", null))));
        io.openpaas.deploy.targets.DeployFailure refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.openpaas.deploy.targets.DeployFailure.class, () -> target.apply(builtin, progress()));
        assertTrue(refused.getMessage().contains("built-in store") && !refused.getMessage().contains(PLANTED_VALUE), refused.getMessage());
        target.remove(SERVICE);
        List<RevCommit> commits = history();
        assertEquals(2, commits.size());
        assertNull(file(commits.get(0)), "a deleted service's manifests leave the repository");
        String manifests = file(commits.get(1));
        assertTrue(manifests.contains("kind: \"ExternalSecret\"") && manifests.contains("key: \"openpaas/p1/db\"")
                && manifests.contains("name: \"openpaas-vault\""), manifests);
        assertTrue(manifests.contains("name: \"web-db-v4\""), "the Deployment names the Secret of the group's version");
        assertFalse(manifests.contains("kind: \"Secret\""), "no Secret object, hence no value, is written");
        try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk walk = new RevWalk(repo)) {
            for (RevCommit c : commits) {
                assertFalse(c.getFullMessage().contains(PLANTED_TOKEN));
                try (TreeWalk tree = new TreeWalk(repo)) {
                    tree.addTree(c.getTree());
                    tree.setRecursive(true);
                    while (tree.next()) {
                        String blob = new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                        assertFalse(blob.contains(PLANTED_TOKEN), tree.getPathString());
                        assertFalse(blob.contains(PLANTED_VALUE), tree.getPathString());
                    }
                }
            }
        }
        assertFalse(Files.readString(root.resolve("work-1/.git/config")).contains(PLANTED_TOKEN), "the clone's remote carries no credential");
    }

    @Test
    void aRemoteBehindAuthenticationGetsTheTokenFromJGitOnlyAndRefusesAWrongOne() throws Exception {
        Path hosted = Files.createDirectories(root.resolve("hosted"));
        Git.init().setBare(true).setInitialBranch("main").setDirectory(hosted.resolve("gitops.git").toFile()).call().close();
        try (io.openpaas.common.testing.GitHttpServer remote = new io.openpaas.common.testing.GitHttpServer(hosted, "openpaas", PLANTED_TOKEN)) {
            GitOpsTarget authorized = new GitOpsTarget("prod", remote.url("gitops.git"), Optional.of(PLANTED_TOKEN), "main", "prod",
                    root.resolve("work-remote"), KubernetesManifests.Exposure.defaults());
            authorized.apply(spec(V1, 1), progress());
            authorized.apply(spec(V2, 2), progress());
            bare = hosted.resolve("gitops.git");
            assertEquals(2, history().size(), "both deployments pushed with the token");
            assertEquals(V2 + " x2", imageAndReplicas(history().get(0)));
            try (var files = Files.walk(root.resolve("work-remote/.git"))) { // config, refs, logs: the token is in none
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(PLANTED_TOKEN), file.toString());
                }
            }
            for (RevCommit c : history()) {
                assertFalse(c.getFullMessage().contains(PLANTED_TOKEN));
            }

            GitOpsTarget wrong = new GitOpsTarget("prod", remote.url("gitops.git"), Optional.of("not-the-token"), "main", "prod",
                    root.resolve("work-wrong"), KubernetesManifests.Exposure.defaults());
            var failure = org.junit.jupiter.api.Assertions.assertThrows(io.openpaas.deploy.targets.DeployFailure.class,
                    () -> wrong.apply(spec(V1, 1), progress()));
            assertTrue(failure.getMessage().contains("refused the credentials"), failure.getMessage());
            assertFalse(failure.getMessage().contains("not-the-token"), failure.getMessage());
            assertEquals(2, history().size(), "nothing pushed without the right token");
        }
    }

    @Test
    void twoInstancesCommittingAtOnceLoseNothing() throws Exception {
        GitOpsTarget other = new GitOpsTarget("prod", bare.toString(), Optional.empty(), "main", "prod", root.resolve("work-2"),
                KubernetesManifests.Exposure.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        List<String> services = new CopyOnWriteArrayList<>();
        for (GitOpsTarget t : List.of(target, other)) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 4; i++) {
                    String slug = "svc-" + UUID.randomUUID().toString().substring(0, 6);
                    services.add(slug);
                    t.apply(new WorkloadSpec(UUID.randomUUID(), "shop", UUID.randomUUID(), slug, UUID.randomUUID(), V1, Map.of(), null, null,
                            100, 64, 1, List.of(), null, null, null, null), progress());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(8, history().size());
        try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(root.resolve("check").toFile()).call()) {
            for (String slug : services) {
                assertTrue(Files.exists(root.resolve("check/prod/shop/" + slug + "/manifests.yaml")), slug);
            }
        }
    }

    private List<RevCommit> history() throws Exception {
        try (Git git = Git.open(bare.toFile())) {
            List<RevCommit> out = new ArrayList<>();
            git.log().add(git.getRepository().resolve("refs/heads/main")).call().forEach(out::add);
            return out;
        }
    }

    private String file(RevCommit commit) throws Exception {
        try (Repository repo = Git.open(bare.toFile()).getRepository(); TreeWalk walk = TreeWalk.forPath(repo, "prod/shop/web/manifests.yaml",
                commit.getTree())) {
            if (walk == null) {
                return null;
            }
            ObjectId blob = walk.getObjectId(0);
            return new String(repo.open(blob).getBytes(), StandardCharsets.UTF_8);
        }
    }

    private Deployment deployment(RevCommit commit) throws Exception {
        @SuppressWarnings("unchecked")
        List<HasMetadata> objects = (List<HasMetadata>) new KubernetesSerialization().unmarshal(file(commit));
        return (Deployment) objects.get(0);
    }

    private String imageAndReplicas(RevCommit commit) throws Exception {
        Deployment d = deployment(commit);
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage() + " x" + d.getSpec().getReplicas();
    }

    private Object template(RevCommit commit) throws Exception {
        return deployment(commit).getSpec().getTemplate();
    }
}

package io.openpaas.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.openpaas.common.secrets.SecretDelivery;
import io.openpaas.deploy.targets.WorkloadSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one renderer of every Kubernetes target (docs/clusters.md): a service's deployment as the
 * objects a cluster runs. Deployment (rolling update that never lowers capacity), Service for its
 * ports, Ingress for its public ports, HorizontalPodAutoscaler when its bounds differ,
 * PodDisruptionBudget when it runs more than one replica. Pure: the same spec and cluster give the
 * same objects, so a GitOps repository only changes when the service does.
 */
public final class KubernetesManifests {

    public static final String MANAGED_BY = "openpaas";
    public static final String PROJECT = "openpaas.io/project";
    public static final String SERVICE = "openpaas.io/service";
    public static final String DEPLOYMENT = "openpaas.io/deployment";
    public static final String CHECKSUM = "openpaas.io/config-checksum";
    private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    /** On a group's Secret (or ExternalSecret): the version of the group it holds. */
    public static final String GROUP_VERSION = "openpaas.io/secret-version";

    /** How a cluster exposes public ports: the base domain of app hosts, the ingress class, and the cert-manager issuer when TLS is wanted. */
    public record Exposure(String domain, String ingressClass, Optional<String> tlsIssuer, int progressDeadlineSeconds) {
        public static Exposure defaults() {
            return new Exposure("apps.localhost", "traefik", Optional.empty(), 600);
        }
    }

    private KubernetesManifests() {
    }

    /** The namespace of a project's services. */
    public static String namespace(WorkloadSpec spec) {
        return truncate("openpaas-" + spec.projectSlug());
    }

    /** At most 63 characters; a longer name keeps a hash of the whole, so two long names that share a beginning stay apart. */
    private static String truncate(String name) {
        if (name.length() <= 63) {
            return name;
        }
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 8);
            return name.substring(0, 54).replaceAll("-+$", "") + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host name a public port answers on. */
    public static String host(WorkloadSpec spec, WorkloadSpec.Port port, Exposure exposure) {
        WorkloadSpec.Port first = spec.ports().stream().filter(WorkloadSpec.Port::exposed).findFirst().orElse(port);
        String prefix = port.equals(first) ? "" : port.name() + "-";
        return prefix + spec.serviceSlug() + "." + spec.projectSlug() + "." + exposure.domain();
    }

    /** The name of the Secret a group's keys reach the service through. */
    public static String secretName(WorkloadSpec spec, String group) {
        return truncate(spec.serviceSlug() + "-" + group);
    }

    /**
     * The objects a cluster gets applied directly: with the spec's fetched secret values, a Secret
     * {@code <service>-<group>} per linked group, which the container's {@code envFrom} names.
     */
    public static List<HasMetadata> render(WorkloadSpec spec, Exposure exposure) {
        List<HasMetadata> objects = new ArrayList<>();
        for (SecretDelivery.Group group : spec.resolved().groups()) {
            objects.add(secret(spec, group));
        }
        objects.addAll(workload(spec, exposure, false));
        return objects;
    }

    /**
     * The objects for a Git repository, where no secret value may go: per linked group an
     * External Secrets {@code ExternalSecret} that has the cluster's operator read the group from
     * Vault (through the ClusterSecretStore {@code store}) into a Secret named with the group's
     * version, so new pods start only once the new values are there (docs/secrets.md).
     */
    public static List<HasMetadata> renderForGit(WorkloadSpec spec, Exposure exposure, String store) {
        List<HasMetadata> objects = new ArrayList<>();
        for (SecretDelivery.Group group : spec.resolved().groups()) {
            objects.add(externalSecret(spec, group, store));
        }
        objects.addAll(workload(spec, exposure, true));
        return objects;
    }

    private static List<HasMetadata> workload(WorkloadSpec spec, Exposure exposure, boolean versionedSecrets) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(deployment(spec, exposure, versionedSecrets));
        if (!spec.ports().isEmpty()) {
            objects.add(service(spec));
        }
        if (spec.ports().stream().anyMatch(WorkloadSpec.Port::exposed)) {
            objects.add(ingress(spec, exposure));
        }
        if (autoscaled(spec)) {
            objects.add(autoscaler(spec, spec.scaling()));
        }
        if (spec.replicas() > 1) {
            objects.add(disruptionBudget(spec));
        }
        return objects;
    }

    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    /** The objects as one YAML stream, as {@code kubectl apply -f} takes them. */
    public static String yaml(List<HasMetadata> objects) {
        StringBuilder out = new StringBuilder();
        for (HasMetadata object : objects) {
            String doc = SERIALIZATION.asYaml(object);
            out.append(doc.startsWith("---") ? doc : "---\n" + doc);
            if (!doc.endsWith("\n")) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** A cluster scales the service itself when its bounds leave room (min < max). */
    public static boolean autoscaled(WorkloadSpec spec) {
        return spec.scaling().min() != spec.scaling().max();
    }

    private static ObjectMeta meta(WorkloadSpec spec) {
        return new ObjectMetaBuilder().withName(spec.serviceSlug()).withNamespace(namespace(spec)).withLabels(labels(spec, true)).build();
    }

    /** The service's labels; the deployment's id only on objects, not on pods (a scale must not replace them). */
    private static Map<String, String> labels(WorkloadSpec spec, boolean withDeployment) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", spec.serviceSlug());
        labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
        labels.put(PROJECT, spec.projectId().toString());
        labels.put(SERVICE, spec.serviceId().toString());
        if (withDeployment) {
            labels.put(DEPLOYMENT, spec.deploymentId().toString());
        }
        return labels;
    }

    private static Map<String, String> selector(WorkloadSpec spec) {
        return new LinkedHashMap<>(Map.of(SERVICE, spec.serviceId().toString()));
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(WorkloadSpec spec, SecretDelivery.Group group) {
        Map<String, String> data = new java.util.TreeMap<>();
        group.values().forEach((k, v) -> data.put(k, java.util.Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        ObjectMeta meta = meta(spec, secretName(spec, group.name()));
        meta.getAnnotations().put(GROUP_VERSION, String.valueOf(group.version()));
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withMetadata(meta).withType("Opaque").withData(data).build();
    }

    private static HasMetadata externalSecret(WorkloadSpec spec, SecretDelivery.Group group, String store) {
        if (group.externalPath() == null) {
            throw new IllegalArgumentException("secret group '" + group.name() + "' is kept in the built-in store, which a GitOps cluster "
                    + "cannot read (no value goes into Git): use the vault store (OPENPAAS_VAULT_URL) with External Secrets on the cluster, "
                    + "or a kubernetes cluster");
        }
        String name = secretName(spec, group.name() + "-v" + group.version());
        String key = group.externalPath().substring(group.externalPath().indexOf('/') + 1); // the path under the store's mount
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("refreshInterval", "1h");
        body.put("secretStoreRef", Map.of("kind", "ClusterSecretStore", "name", store));
        body.put("target", Map.of("name", name, "creationPolicy", "Owner"));
        body.put("dataFrom", List.of(Map.of("extract", Map.of("key", key, "version", String.valueOf(group.version())))));
        ObjectMeta meta = meta(spec, name);
        meta.getAnnotations().put(GROUP_VERSION, String.valueOf(group.version()));
        return new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("external-secrets.io/v1beta1")
                .withKind("ExternalSecret").withMetadata(meta).withAdditionalProperties(Map.of("spec", body)).build();
    }

    private static ObjectMeta meta(WorkloadSpec spec, String name) {
        ObjectMeta meta = meta(spec);
        meta.setName(name);
        meta.setAnnotations(new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations()));
        return meta;
    }

    private static Deployment deployment(WorkloadSpec spec, Exposure exposure, boolean versionedSecrets) {
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put(CHECKSUM, checksum(spec));
        if (spec.restartedAt() != null) {
            podAnnotations.put(RESTARTED_AT, spec.restartedAt().toString());
        }
        return new DeploymentBuilder().withMetadata(meta(spec))
                .withNewSpec()
                // an autoscaled service's count is the autoscaler's: applying one would fight it at each rollout
                .withReplicas(autoscaled(spec) ? null : spec.replicas())
                .withRevisionHistoryLimit(5)
                .withProgressDeadlineSeconds(exposure.progressDeadlineSeconds())
                .withNewSelector().withMatchLabels(selector(spec)).endSelector()
                .withNewStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(spec, false)).withAnnotations(podAnnotations).endMetadata()
                .withNewSpec()
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withContainers(container(spec, versionedSecrets))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(WorkloadSpec spec, boolean versionedSecrets) {
        List<EnvVar> env = new ArrayList<>();
        // Kubernetes lets env win over envFrom; on every target a linked group's key wins over the service's own env
        java.util.Set<String> fromSecrets = spec.resolved().env().keySet();
        spec.env().forEach((name, value) -> {
            if (!fromSecrets.contains(name)) {
                env.add(new EnvVar(name, value, null));
            }
        });
        List<EnvFromSource> envFrom = new ArrayList<>();
        Map<String, Integer> versions = new LinkedHashMap<>();
        spec.resolved().groups().forEach(g -> versions.put(g.name(), g.version()));
        for (String group : spec.secrets()) {
            String name = versionedSecrets && versions.containsKey(group) ? group + "-v" + versions.get(group) : group;
            envFrom.add(new EnvFromSourceBuilder().withNewSecretRef().withName(secretName(spec, name)).endSecretRef().build());
        }
        Map<String, Quantity> resources = new LinkedHashMap<>(); // ordered: the same spec renders the same text
        resources.put("cpu", new Quantity(spec.cpuMillicores() + "m"));
        resources.put("memory", new Quantity(spec.memoryMb() + "Mi"));
        ContainerBuilder container = new ContainerBuilder().withName(spec.serviceSlug()).withImage(spec.image())
                .withCommand(spec.command()).withArgs(spec.args()).withEnv(env).withEnvFrom(envFrom)
                .withPorts(spec.ports().stream().map(p -> new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                        .withName(portName(p)).withContainerPort(p.port()).withProtocol("TCP").build()).toList())
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewSeccompProfile().withType("RuntimeDefault")
                .endSeccompProfile().endSecurityContext();
        probe(spec, false).ifPresent(container::withReadinessProbe);
        probe(spec, true).ifPresent(container::withLivenessProbe);
        return container.build();
    }

    /**
     * The service's health check as probes: readiness keeps a replica out of the Service until it
     * answers; liveness restarts one that stopped answering for good, so it waits three times as
     * long. A service without ports has nothing to probe.
     */
    private static Optional<Probe> probe(WorkloadSpec spec, boolean liveness) {
        WorkloadSpec.HealthCheck check = spec.healthCheck();
        if (spec.ports().isEmpty()) {
            return Optional.empty();
        }
        ProbeBuilder probe = new ProbeBuilder();
        if (check == null) {
            probe.withNewTcpSocket().withPort(new IntOrString(spec.ports().get(0).port())).endTcpSocket();
            return Optional.of(probe.withPeriodSeconds(10).withFailureThreshold(liveness ? 9 : 3).build());
        }
        return Optional.of(probe.withNewHttpGet().withPath(check.path()).withPort(new IntOrString(check.port())).endHttpGet()
                .withInitialDelaySeconds(check.initialDelaySeconds()).withPeriodSeconds(check.intervalSeconds())
                .withTimeoutSeconds(check.timeoutSeconds()).withFailureThreshold(liveness ? check.failureThreshold() * 3 : check.failureThreshold())
                .build());
    }

    private static io.fabric8.kubernetes.api.model.Service service(WorkloadSpec spec) {
        List<ServicePort> ports = spec.ports().stream().map(p -> new ServicePortBuilder().withName(portName(p)).withPort(p.port())
                .withTargetPort(new IntOrString(p.port())).withProtocol("TCP").build()).toList();
        return new ServiceBuilder().withMetadata(meta(spec)).withNewSpec().withType("ClusterIP").withSelector(selector(spec))
                .withPorts(ports).endSpec().build();
    }

    private static Ingress ingress(WorkloadSpec spec, Exposure exposure) {
        List<IngressRule> rules = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (WorkloadSpec.Port port : spec.ports()) {
            if (!port.exposed()) {
                continue;
            }
            String host = host(spec, port, exposure);
            hosts.add(host);
            HTTPIngressPath path = new HTTPIngressPathBuilder().withPath("/").withPathType("Prefix").withNewBackend().withNewService()
                    .withName(spec.serviceSlug()).withNewPort().withName(portName(port)).endPort().endService().endBackend().build();
            rules.add(new IngressRuleBuilder().withHost(host).withNewHttp().withPaths(path).endHttp().build());
        }
        ObjectMeta meta = meta(spec);
        exposure.tlsIssuer().ifPresent(issuer -> {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put("cert-manager.io/cluster-issuer", issuer);
            annotations.put("traefik.ingress.kubernetes.io/router.tls", "true");
            meta.setAnnotations(annotations);
        });
        IngressBuilder ingress = new IngressBuilder().withMetadata(meta).withNewSpec().withIngressClassName(exposure.ingressClass())
                .withRules(rules).endSpec();
        if (exposure.tlsIssuer().isPresent()) {
            ingress.editSpec().addNewTl().withHosts(hosts).withSecretName(truncate(spec.serviceSlug() + "-tls")).endTl().endSpec();
        }
        return ingress.build();
    }

    private static HorizontalPodAutoscaler autoscaler(WorkloadSpec spec, WorkloadSpec.Bounds bounds) {
        return new HorizontalPodAutoscalerBuilder().withMetadata(meta(spec)).withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(spec.serviceSlug()).endScaleTargetRef()
                // the count asked for (a scale) is the floor the autoscaler keeps, within the bounds
                .withMinReplicas(Math.min(Math.max(1, bounds.max()), Math.max(Math.max(1, bounds.min()), spec.replicas())))
                .withMaxReplicas(Math.max(1, bounds.max()))
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget().withType("Utilization")
                .withAverageUtilization(70).endTarget().endResource().endMetric()
                .endSpec().build();
    }

    private static PodDisruptionBudget disruptionBudget(WorkloadSpec spec) {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(spec)).withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selector(spec)).endSelector().endSpec().build();
    }

    /**
     * What the pods run, hashed: image, command, environment, resources, ports, probes and secret
     * groups (their versions once they are delivered). A change rolls the pods; a scale does not.
     */
    static String checksum(WorkloadSpec spec) {
        String text = String.join("\n", spec.image(), String.valueOf(spec.command()), String.valueOf(spec.args()),
                new java.util.TreeMap<>(spec.env()).toString(), spec.cpuMillicores() + "m/" + spec.memoryMb() + "Mi", spec.ports().toString(),
                String.valueOf(spec.healthCheck()), spec.secrets().toString())
                // group names and versions, never values: a new version of a linked group rolls the pods
                + (spec.resolved().isEmpty() ? "" : "\n" + spec.resolved().fingerprint());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Port names are at most 15 characters in Kubernetes. */
    private static String portName(WorkloadSpec.Port port) {
        String name = port.name() == null || port.name().isBlank() ? "p" + port.port() : port.name();
        return name.length() <= 15 ? name : name.substring(0, 15);
    }

}

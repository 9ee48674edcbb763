package io.openpaas.deploy.clusters;

/**
 * What a cluster's kind needs besides secrets, as registered (null where the kind does not use
 * it). {@code kubernetes}: {@code inCluster} or a kubeconfig credential; {@code domain},
 * {@code ingressClass} and {@code tlsIssuer} (cert-manager) say how public ports are exposed.
 * {@code gitops}: {@code repository} (a bare repository under the state folder when null),
 * {@code branch} and {@code path}. {@code argocd}: {@code url}, the {@code repository} ArgoCD reads,
 * {@code destinationServer} and {@code argocdProject}. {@code rancher}: {@code url} and
 * {@code rancherClusterId}.
 */
public record ClusterSettings(Boolean inCluster, String domain, String ingressClass, String tlsIssuer, String repository, String branch,
        String path, String url, String destinationServer, String argocdProject, String rancherClusterId) {
}

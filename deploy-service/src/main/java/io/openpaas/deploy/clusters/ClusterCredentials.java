package io.openpaas.deploy.clusters;

/**
 * The secrets of a cluster: a kubeconfig ({@code kubernetes}); a token (the Git remote's of
 * {@code gitops}, the API's of {@code argocd} and {@code rancher}); the Git remote's token of
 * {@code argocd}. Kept sealed; never shown, logged or published.
 */
public record ClusterCredentials(String kubeconfig, String token, String gitToken) {

    @Override
    public String toString() {
        return "ClusterCredentials[****]";
    }
}

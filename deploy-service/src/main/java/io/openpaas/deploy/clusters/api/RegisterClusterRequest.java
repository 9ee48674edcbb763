package io.openpaas.deploy.clusters.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/clusters} (docs/clusters.md). {@code kubeconfig}, {@code token} and
 * {@code gitToken} are write-only: stored sealed, never answered.
 */
public record RegisterClusterRequest(
        @NotBlank @Size(max = 63) @Pattern(regexp = "[a-z0-9]([a-z0-9-]*[a-z0-9])?", message = "lowercase letters, digits and '-'") String name,
        @NotBlank @Pattern(regexp = "kubernetes|gitops|argocd|rancher", message = "one of kubernetes, gitops, argocd, rancher") String kind,
        @Size(max = 65536) String kubeconfig,
        Boolean inCluster,
        @Size(max = 253) @Pattern(regexp = "[a-z0-9]([a-z0-9.-]*[a-z0-9])?", message = "a DNS name") String domain,
        @Size(max = 63) String ingressClass,
        @Size(max = 253) String tlsIssuer,
        @Size(max = 2048) String repository,
        @Size(max = 255) @Pattern(regexp = "[A-Za-z0-9_][A-Za-z0-9._/-]*", message = "a branch name") String branch,
        // no segment starts with a dot: no '.', '..' or '.git' leads out of the repository's folders
        @Size(max = 255) @Pattern(regexp = "[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*", message = "a relative path of "
                + "folders (letters, digits, '.', '_', '-', none starting with '.')") String path,
        @Size(max = 2048) String url,
        @Size(max = 4096) String token,
        @Size(max = 4096) String gitToken,
        @Size(max = 2048) String destinationServer,
        @Size(max = 253) String argocdProject,
        @Size(max = 253) @Pattern(regexp = "[A-Za-z0-9:._-]+", message = "a Rancher cluster id") String rancherClusterId) {

    @Override
    public String toString() {
        return "RegisterClusterRequest[name=" + name + ", kind=" + kind + "]";
    }
}

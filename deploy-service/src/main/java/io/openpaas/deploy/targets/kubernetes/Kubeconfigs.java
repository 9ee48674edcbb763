package io.openpaas.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.net.URI;

/**
 * Kubeconfigs the platform accepts (docs/clusters.md): everything inline. A kubeconfig may name a
 * command to run for credentials ({@code exec}, {@code auth-provider}) or files to read
 * ({@code tokenFile}, certificate and key paths): loading one would run that command or read that
 * file inside deploy-service, so those are refused, whoever supplies the kubeconfig (an admin, or
 * a Rancher).
 */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** The client configuration of an acceptable kubeconfig; the message of a refusal never repeats its content. */
    public static Config load(String kubeconfig) {
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(kubeconfig);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a kubeconfig (YAML with clusters, users and a current context)");
        }
        if (parsed == null || parsed.getClusters() == null || parsed.getClusters().isEmpty()) {
            throw new IllegalArgumentException("names no cluster");
        }
        for (NamedCluster c : parsed.getClusters()) {
            var cluster = c.getCluster();
            if (cluster == null || cluster.getServer() == null) {
                throw new IllegalArgumentException("has a cluster without a server");
            }
            URI server = URI.create(cluster.getServer());
            if (!("https".equals(server.getScheme()) || "http".equals(server.getScheme())) || server.getHost() == null
                    || server.getRawUserInfo() != null) {
                throw new IllegalArgumentException("has a server that is not an http(s) URL without credentials in it");
            }
            if (cluster.getCertificateAuthority() != null) {
                throw new IllegalArgumentException("names a certificate file: give certificate-authority-data instead");
            }
        }
        for (NamedAuthInfo u : parsed.getUsers() == null ? java.util.List.<NamedAuthInfo>of() : parsed.getUsers()) {
            AuthInfo user = u.getUser();
            if (user == null) {
                continue;
            }
            if (user.getExec() != null || user.getAuthProvider() != null) {
                throw new IllegalArgumentException("asks to run a command for its credentials (exec, auth-provider): give a token or "
                        + "client-certificate-data instead");
            }
            if (user.getTokenFile() != null || user.getClientCertificate() != null || user.getClientKey() != null) {
                throw new IllegalArgumentException("names a file (tokenFile, client-certificate, client-key): give the value inline instead");
            }
        }
        try {
            Config config = Config.fromKubeconfig(kubeconfig);
            if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
                throw new IllegalArgumentException("has no current context with a server");
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a kubeconfig with a current context and a server");
        }
    }
}

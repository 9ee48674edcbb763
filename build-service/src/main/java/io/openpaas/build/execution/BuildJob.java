package io.openpaas.build.execution;

import io.openpaas.build.credentials.GitCredential;
import java.util.UUID;

/**
 * Everything an executor needs to build: the source as it was when the build was asked for, the
 * service's Git credential (decrypted, in memory only), and where the image goes.
 */
public record BuildJob(UUID buildId, UUID projectId, UUID serviceId, String serviceSlug, String repository, String branch,
        String commit, String dockerfile, String context, Integer port, GitCredential credential, String imageRepository,
        String tag, java.util.List<String> buildSecrets) {

    /** The secret keys the build gets as build secrets (names; the values are fetched when it runs). */
    public java.util.List<String> secrets() {
        return buildSecrets == null ? java.util.List.of() : buildSecrets;
    }

    /** The image name with this build's tag, e.g. {@code 127.0.0.1:5000/openpaas/<project>/<service>:<build>}. */
    public String taggedImage() {
        return imageRepository + ":" + tag;
    }
}

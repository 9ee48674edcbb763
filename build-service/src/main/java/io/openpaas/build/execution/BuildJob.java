package io.openpaas.build.execution;

import io.openpaas.build.credentials.GitCredential;
import java.util.UUID;

/**
 * Everything an executor needs to build: the source as it was when the build was asked for, the
 * service's Git credential (decrypted, in memory only), and where the image goes.
 */
public record BuildJob(UUID buildId, UUID projectId, UUID serviceId, String serviceSlug, String repository, String branch,
        String commit, String dockerfile, String context, Integer port, GitCredential credential, String imageRepository,
        String tag) {

    /** The image name with this build's tag, e.g. {@code 127.0.0.1:5000/openpaas/<project>/<service>:<build>}. */
    public String taggedImage() {
        return imageRepository + ":" + tag;
    }
}

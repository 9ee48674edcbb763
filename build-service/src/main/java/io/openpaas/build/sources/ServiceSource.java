package io.openpaas.build.sources;

import java.util.UUID;

/** What build-service knows of a service, from its events: where to build it from. */
public record ServiceSource(UUID serviceId, UUID projectId, String slug, String sourceType, String repository, String branch,
        String dockerfile, String context, Integer port) {

    public boolean buildable() {
        return "git".equals(sourceType);
    }
}

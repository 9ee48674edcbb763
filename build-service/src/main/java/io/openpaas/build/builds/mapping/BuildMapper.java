package io.openpaas.build.builds.mapping;

import io.openpaas.build.builds.Build;
import io.openpaas.build.builds.api.BuildView;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class BuildMapper {

    public BuildView toView(Build b) {
        return new BuildView(b.id, b.projectId, b.serviceId, b.state.name(), b.trigger, b.requestedBy, b.branch,
                b.requestedCommit, b.commitSha, b.image, b.reason, b.executor, b.createdAt, b.startedAt, b.finishedAt,
                "/api/v1/builds/" + b.id + "/logs", "/api/v1/builds/" + b.id);
    }
}

package io.openpaas.common.members;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How a service keeps and consults its projection of project memberships. */
@ConfigMapping(prefix = "openpaas.members")
public interface MembersConfig {

    /**
     * Keep the projection from {@code paas.member.*} events. project-service, which owns the
     * memberships, turns it off and reads its own table.
     */
    @WithDefault("true")
    boolean projectionEnabled();

    /**
     * How long a request for a project the caller is not (yet) known in waits for the
     * projection to catch up before answering 404 (docs/contracts.md: bounded, about 2 s).
     */
    @WithDefault("PT2S")
    Duration catchUpWait();
}

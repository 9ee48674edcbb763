package io.openpaas.deploy.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.deploy.targets.DeployTarget;
import io.openpaas.deploy.targets.local.LocalTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Picks the deployment target by {@code openpaas.deploy.target} (the cluster targets plug in here). */
@ApplicationScoped
public class DeployTargets {

    @Produces
    @ApplicationScoped
    DeployTarget target(DeployConfig config, ObjectMapper mapper) {
        return switch (config.target()) {
            case "local" -> new LocalTarget(config.local().platform(), config.local().dockerHost(), config.local().proxyAdminUrl(), config.local().proxyPort(), mapper,
                    config.drain(), config.stopGrace(), config.healthDeadline());
            default -> throw new IllegalStateException("unknown deployment target '" + config.target() + "' (openpaas.deploy.target)");
        };
    }
}

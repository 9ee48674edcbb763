package io.openpaas.build.execution;

import io.openpaas.build.config.BuildConfig;
import io.openpaas.build.execution.coolify.CoolifyExecutor;
import io.openpaas.build.execution.kubernetes.KubernetesExecutor;
import io.openpaas.build.execution.local.LocalExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the build executor by {@code openpaas.build.executor}: {@code local} (default), {@code kubernetes} or {@code coolify}. */
@ApplicationScoped
public class BuildExecutors {

    @Produces
    @ApplicationScoped
    BuildExecutor executor(BuildConfig config, Instance<LocalExecutor> local, Instance<KubernetesExecutor> kubernetes,
            Instance<CoolifyExecutor> coolify) {
        return switch (config.executor()) {
            case "local" -> local.get();
            case "kubernetes" -> kubernetes.get();
            case "coolify" -> coolify.get();
            default -> throw new IllegalStateException("unknown build executor '" + config.executor()
                    + "' (openpaas.build.executor): use local, kubernetes or coolify");
        };
    }
}

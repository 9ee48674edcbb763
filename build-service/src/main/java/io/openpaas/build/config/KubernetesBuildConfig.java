package io.openpaas.build.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The {@code kubernetes} executor: a Job per build in a cluster (docs/builds.md). */
@ConfigMapping(prefix = "openpaas.build.kubernetes")
public interface KubernetesBuildConfig {

    /** Namespace the build Jobs run in. */
    @WithDefault("openpaas-builds")
    String namespace();

    /** The rootless builder: BuildKit, which builds and pushes without privileges. */
    @WithDefault("moby/buildkit:v0.16.0-rootless")
    String builderImage();

    /** The image that clones the repository in the Job's init container. */
    @WithDefault("alpine/git:v2.45.2")
    String gitImage();

    /** A Secret of type dockerconfigjson in the namespace with the registry's push credentials. */
    Optional<String> registrySecret();

    /** Push over plain HTTP (a registry inside the cluster without TLS). */
    @WithDefault("false")
    boolean insecureRegistry();

    /** How often the Job and its pod are looked at. */
    @WithDefault("PT2S")
    Duration pollInterval();
}

package io.openpaas.build.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The registry images are pushed to: the local run's own unless {@code OPENPAAS_REGISTRY_URL} names another. */
@ConfigMapping(prefix = "openpaas.registry")
public interface RegistryConfig {

    /** host[:port] of the registry, e.g. {@code 127.0.0.1:5000} or {@code registry.example.com}. */
    @WithDefault("127.0.0.1:5000")
    String url();

    /** Repository prefix under which every image is pushed. */
    @WithDefault("openpaas")
    String prefix();

    Optional<String> username();

    Optional<String> password();

    /** Verify TLS; by default on, except for a registry on a loopback address (plain HTTP). */
    Optional<Boolean> tlsVerify();

    default String host() {
        return url().replaceFirst("^[a-z]+://", "").replaceAll("/+$", "");
    }

    default boolean verifyTls() {
        String host = host();
        return tlsVerify().orElse(!(host.startsWith("127.") || host.startsWith("localhost") || host.startsWith("[::1]")));
    }
}

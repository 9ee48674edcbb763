package io.openpaas.secrets.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** {@code openpaas.secrets.*}: where values are kept and the bounds on what users store (docs/secrets.md). */
@ConfigMapping(prefix = "openpaas.secrets")
public interface SecretsConfig {

    /** {@code builtin} or {@code vault}; unset: {@code vault} when a Vault URL is configured, else {@code builtin}. */
    Optional<String> store();

    /** The built-in store's master key (base64 of 32 bytes); unset: a key file under the state folder. */
    Optional<String> masterKey();

    /** Earlier master keys (base64), still accepted while their data keys are re-wrapped at start. */
    Optional<List<String>> previousMasterKeys();

    /** The master key file (made on first start, 0600). */
    @WithDefault("${openpaas.state-dir}/keys/secrets-master.key")
    String masterKeyFile();

    @WithDefault("100")
    int maxKeys();

    @WithDefault("32768")
    int maxValueBytes();

    @WithDefault("262144")
    int maxGroupBytes();

    @WithDefault("100")
    int maxGroupsPerProject();

    /** NATS users (processes) that may receive secret values, each on its own reply inbox. */
    @WithDefault("deploy-service,build-service")
    List<String> receivers();
}

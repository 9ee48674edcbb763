package io.openpaas.secrets.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code openpaas.vault.*}: the Vault the {@code vault} store uses (URL and token also feed quarkus-vault, see application.properties). */
@ConfigMapping(prefix = "openpaas.vault")
public interface VaultConfig {

    Optional<String> url();

    /** The token quarkus-vault authenticates with (also {@code quarkus.vault.authentication.client-token}). */
    Optional<String> token();

    /** The KV v2 mount. */
    @WithDefault("secret")
    String mount();

    /** Path prefix under the mount: {@code <mount>/<prefix>/<project>/<group>}. */
    @WithDefault("openpaas")
    String prefix();
}

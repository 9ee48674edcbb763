package io.openpaas.project.auth.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Access tokens that project-service issues. */
@ConfigMapping(prefix = "openpaas.auth.jwt")
public interface JwtConfig {

    /**
     * PEM (PKCS#8) private signing key, a file path or a classpath resource. When unset, a key is
     * made on first start under {@code <state-dir>/keys/jwt-signing.pem} (mode 0600) and reused.
     */
    Optional<String> privateKeyLocation();

    /** Where services find the public key(s) to verify tokens (a JWKS URL or a PEM). */
    String publicKeyLocation();

    /** Lifetime of an access token; DESIGN §4 says 15 minutes. */
    @WithDefault("PT15M")
    Duration lifetime();
}

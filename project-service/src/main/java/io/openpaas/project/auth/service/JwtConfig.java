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

    /**
     * PEM public key of the previous signing key, published in the JWKS beside the current one
     * so that tokens it signed stay valid until they expire after an operator rotated the
     * configured key. In key-file mode the rotation endpoint keeps it itself.
     */
    Optional<String> previousPublicKeyLocation();

    /** Where services find the public key(s) to verify tokens (a JWKS URL or a PEM). */
    String publicKeyLocation();

    /** Lifetime of an access token; docs/contracts.md says 15 minutes. */
    @WithDefault("PT15M")
    Duration lifetime();
}

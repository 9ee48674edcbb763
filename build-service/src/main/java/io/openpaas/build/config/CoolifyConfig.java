package io.openpaas.build.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The {@code coolify} executor: builds through a Coolify instance's API ({@code OPENPAAS_COOLIFY_URL}, {@code OPENPAAS_COOLIFY_API_KEY}). */
@ConfigMapping(prefix = "openpaas.coolify")
public interface CoolifyConfig {

    Optional<String> url();

    Optional<String> apiKey();

    /** How often a deployment's status is asked for. */
    @WithDefault("PT2S")
    Duration pollInterval();

    /** Timeout of one API call. */
    @WithDefault("PT15S")
    Duration requestTimeout();

    /** How many 429 answers in a row are waited out (each for its Retry-After) before the build fails. */
    @WithDefault("10")
    int maxRateLimitWaits();
}

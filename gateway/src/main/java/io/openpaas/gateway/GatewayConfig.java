package io.openpaas.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where the gateway routes and how patient it is. */
@ConfigMapping(prefix = "openpaas.gateway")
public interface GatewayConfig {

    /** project-service: auth, users, tokens, projects, members, services. */
    String projectUrl();

    String buildUrl();

    String deployUrl();

    String secretsUrl();

    String auditUrl();

    /** An upstream that has not answered with headers by then gets a 504. */
    @WithDefault("PT30S")
    Duration upstreamTimeout();

    /** Connect timeout: a service that is down answers 502 quickly. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** Largest request body forwarded, in bytes (larger: 413). */
    @WithDefault("1048576")
    long maxBodySize();

    /** Connections kept per upstream. */
    @WithDefault("64")
    int poolSize();

    /** Browser origins allowed to call the API cross-origin; none (CORS off) unless set. */
    Optional<List<String>> corsOrigins();

    RateLimit rateLimit();

    /** Requests each caller may make per window, counted per API token (or per address without one). */
    interface RateLimit {

        /** Requests allowed per window; 0 turns the limit off. */
        @WithDefault("100")
        int requests();

        @WithDefault("PT1S")
        Duration window();
    }

    /** Repeated refusals of one caller (same status and path) are recorded as one event per window. */
    @WithDefault("PT10S")
    Duration deniedAggregationWindow();
}

package io.openpaas.gateway.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The live event stream of the gateway ({@code GET /api/v1/events}). */
@ConfigMapping(prefix = "openpaas.gateway.events")
public interface LiveEventsConfig {

    /** A comment line sent this often keeps proxies from closing an idle stream. */
    @WithDefault("PT15S")
    Duration heartbeat();

    /** How long the aggregate stream {@code PAAS_EVENTS} keeps events for reconnecting clients. */
    @WithDefault("P7D")
    Duration replayWindow();
}

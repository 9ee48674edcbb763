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

    /** Live streams one user may hold open at once; one more answers 429. */
    @WithDefault("5")
    int maxStreamsPerUser();

    /** Live streams this gateway holds open at once; one more answers 429. */
    @WithDefault("1000")
    int maxStreams();

    /**
     * The most events a reconnect with {@code Last-Event-ID} may replay; an id further behind
     * answers 429 (reconnect without it, or from a newer id) rather than reading days of events.
     */
    @WithDefault("10000")
    long maxReplay();
}

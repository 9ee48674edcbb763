package io.openpaas.common.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The transactional outbox and its relay. */
@ConfigMapping(prefix = "openpaas.outbox")
public interface OutboxConfig {

    /** Whether this process runs the relay; tests switch it off to simulate a crash after commit. */
    @WithDefault("true")
    boolean relayEnabled();

    /** The sweep that catches events whose wake-up was lost (crash between commit and publish). */
    @WithDefault("PT1S")
    Duration sweepInterval();

    /** Events published per relay round. */
    @WithDefault("256")
    int batchSize();

    /** Sent events are deleted after this long. */
    @WithDefault("P1D")
    Duration keepSent();
}

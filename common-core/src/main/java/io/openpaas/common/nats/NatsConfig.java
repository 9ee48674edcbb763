package io.openpaas.common.nats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How a service reaches NATS JetStream and shapes its streams and consumers. */
@ConfigMapping(prefix = "openpaas.nats")
public interface NatsConfig {

    /** Server URL(s), comma separated. */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /**
     * This process's NATS user; each process has its own, allowed to publish only its own
     * domains' subjects (deploy/nats/gen-auth.sh). Also names its inbox prefix.
     */
    String user();

    /** The user's password; none against a server without users. */
    Optional<String> password();

    /**
     * Duplicate-detection window of every stream. It must cover the outbox relay's longest
     * retry so that a re-published event with the same {@code Nats-Msg-Id} is dropped.
     */
    @WithDefault("PT30M")
    Duration duplicateWindow();

    /** How long a stream keeps events. */
    @WithDefault("P30D")
    Duration maxAge();

    /**
     * Failures of one message itself (not of the infrastructure) before it goes to the dead
     * letters; infrastructure failures are retried without limit.
     */
    @WithDefault("5")
    int maxDeliver();

    /** Longest wait between two tries of an event while the infrastructure (database) fails. */
    @WithDefault("PT30S")
    Duration retryMaxDelay();

    /** How long the server waits for an ack before redelivering. */
    @WithDefault("PT30S")
    Duration ackWait();

    /** Domains (e.g. {@code project,service}) whose streams this service owns and creates at start. */
    Optional<List<String>> ownedDomains();

    /**
     * Appended to every durable consumer name. The tests use their own ({@code -test}) so that a
     * platform running on the same NATS does not take their messages, nor they its.
     */
    @WithDefault("none")
    String durableSuffix();

    /**
     * True to start a newly created durable consumer at the events published from then on
     * rather than at the start of the stream (test databases made fresh for one test class).
     */
    @WithDefault("false")
    boolean deliverNew();

    /** Timeout for a publish ack or a stream management call. */
    @WithDefault("PT5S")
    Duration requestTimeout();
}

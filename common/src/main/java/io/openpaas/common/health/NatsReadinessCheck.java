package io.openpaas.common.health;

import io.openpaas.common.consumer.ConsumerRunner;
import io.openpaas.common.nats.NatsClient;
import io.openpaas.common.nats.StreamBootstrap;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the NATS connection is up and the service's streams and consumers exist:
 * without them no event can leave the outbox or be applied.
 */
@Readiness
@ApplicationScoped
public class NatsReadinessCheck implements HealthCheck {

    private final NatsClient nats;
    private final StreamBootstrap streams;
    private final ConsumerRunner consumers;

    public NatsReadinessCheck(NatsClient nats, StreamBootstrap streams, ConsumerRunner consumers) {
        this.nats = nats;
        this.streams = streams;
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats")
                .status(nats.isConnected() && streams.ready() && consumers.allAttached())
                .withData("connected", nats.isConnected())
                .withData("streams", streams.ready())
                .withData("consumers", consumers.allAttached())
                .build();
    }
}

package io.openpaas.gateway.events;

import io.nats.client.Connection;
import io.openpaas.common.nats.NatsClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's view of the one NATS connection every process makes with common-core's
 * {@link NatsClient} (its own user, inbox prefix, reconnecting for ever): the connection once
 * made, the connection only while it is up, and a hook after each reconnect.
 */
@ApplicationScoped
public class GatewayNats {

    private final NatsClient nats;

    public GatewayNats(NatsClient nats) {
        this.nats = nats;
    }

    /** Completes with the connection (it may still be reconnecting). */
    public CompletableFuture<Connection> connection() {
        return CompletableFuture.supplyAsync(nats::connection);
    }

    /** The connection if it is up now, else null. */
    public Connection connectedOrNull() {
        return nats.isConnected() ? nats.connection() : null;
    }

    /** Runs {@code listener} after every reconnect, on a thread of its own. */
    public void onReconnect(Runnable listener) {
        nats.onReconnect(() -> {
            Thread t = new Thread(listener, "gateway-nats-reconnected");
            t.setDaemon(true);
            t.start();
        });
    }
}

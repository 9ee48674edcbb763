package io.openpaas.gateway.events;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's one connection to NATS (denied-request events, the membership view, live
 * events). It is made in the background and reconnects forever, so the gateway starts and
 * routes even while NATS is away.
 */
@ApplicationScoped
public class GatewayNats {

    private final CompletableFuture<Connection> connection = new CompletableFuture<>();
    private final java.util.List<Runnable> reconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code listener} on a thread of its own after every reconnect. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public GatewayNats(@ConfigProperty(name = "openpaas.nats.url") String natsUrl, @ConfigProperty(name = "openpaas.nats.user") String user,
            @ConfigProperty(name = "openpaas.nats.password") java.util.Optional<String> password) {
        Options.Builder builder = new Options.Builder().server(natsUrl).connectionName(user).maxReconnects(-1)
                .inboxPrefix("_INBOX_" + user); // the only subjects the gateway's user may subscribe to
        password.filter(p -> !p.isBlank()).ifPresent(p -> builder.userInfo(user, p));
        builder.connectionListener((conn, type) -> {
            if (type == io.nats.client.ConnectionListener.Events.RECONNECTED) {
                // a restarted server has forgotten the consumers' pulls: each follower starts again
                Thread again = new Thread(() -> reconnectListeners.forEach(Runnable::run), "gateway-nats-reconnected");
                again.setDaemon(true);
                again.start();
            }
        });
        Thread connect = new Thread(() -> {
            try {
                connection.complete(Nats.connectReconnectOnConnect(builder.build()));
            } catch (Exception e) {
                Log.errorf("gateway cannot reach NATS at %s: %s", natsUrl, e.toString());
                connection.completeExceptionally(e);
            }
        }, "gateway-nats-connect");
        connect.setDaemon(true);
        connect.start();
    }

    /** Completes once the connection object exists (it may still be reconnecting). */
    public CompletableFuture<Connection> connection() {
        return connection;
    }

    /** The connection if it is up now, else null. */
    public Connection connectedOrNull() {
        Connection c = connection.getNow(null);
        return c != null && c.getStatus() == Connection.Status.CONNECTED ? c : null;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        Connection c = connection.getNow(null);
        if (c != null) {
            c.close();
        }
    }
}

package io.openpaas.gateway.events;

import io.nats.client.Connection;
import io.nats.client.MessageConsumer;
import io.quarkus.logging.Log;

/**
 * An ordered consumer the gateway keeps on one stream: started in the background once the
 * connection exists (retrying while the stream is missing), and started again after every
 * reconnect, since a restarted server has forgotten it. Where it starts from is the caller's
 * choice, made anew each time.
 */
final class StreamFollower {

    /** Creates and starts the consumer on a connection; may fail while the stream is missing. */
    interface Start {
        MessageConsumer on(Connection connection) throws Exception;
    }

    private final String name;
    private final GatewayNats nats;
    private final Start start;
    private volatile MessageConsumer consumer;

    StreamFollower(String name, GatewayNats nats, Start start) {
        this.name = name;
        this.nats = nats;
        this.start = start;
    }

    void begin() {
        nats.connection().thenAccept(this::follow);
        nats.onReconnect(() -> nats.connection().thenAccept(connection -> {
            MessageConsumer old = consumer;
            consumer = null;
            if (old != null) {
                try {
                    old.stop();
                } catch (Exception e) {
                    Log.debugf("stopping the %s: %s", name, e.toString());
                }
            }
            follow(connection);
        }));
    }

    private void follow(Connection connection) {
        Thread t = new Thread(() -> {
            while (consumer == null) {
                try {
                    consumer = start.on(connection);
                } catch (Exception e) {
                    Log.infof("the %s waits: %s", name, e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }, "gateway-" + name.replace(' ', '-'));
        t.setDaemon(true);
        t.start();
    }
}

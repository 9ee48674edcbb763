package io.openpaas.common.nats;

import io.openpaas.common.events.Domain;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/** Creates the streams of the domains this service owns, in the background until NATS answers. */
@ApplicationScoped
public class StreamBootstrap {

    private final NatsClient nats;
    private final NatsConfig config;
    private volatile boolean done;

    public StreamBootstrap(NatsClient nats, NatsConfig config) {
        this.nats = nats;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        // every service publishes denied-request events, so each makes sure the security stream exists
        List<Domain> domains = java.util.stream.Stream.concat(
                config.ownedDomains().orElse(List.of()).stream().map(Domain::fromToken), java.util.stream.Stream.of(Domain.SECURITY))
                .distinct().toList();
        Thread t = new Thread(() -> ensureAll(domains), "stream-bootstrap");
        t.setDaemon(true);
        t.start();
    }

    /** True once every owned stream exists. */
    public boolean ready() {
        return done;
    }

    private void ensureAll(List<Domain> domains) {
        for (Domain domain : domains) {
            while (true) {
                try {
                    if (nats.isConnected()) {
                        nats.ensureStream(domain);
                        break;
                    }
                } catch (Exception e) {
                    Log.infof("stream %s not ensured yet: %s", domain.streamName(), e.toString());
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        done = true;
    }
}

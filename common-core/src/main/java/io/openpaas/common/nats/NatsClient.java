package io.openpaas.common.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.openpaas.common.events.Domain;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's one NATS connection. It connects in the background so that the service starts
 * (and reports not-ready) while NATS is away, and reconnects forever.
 */
@ApplicationScoped
public class NatsClient {

    private final NatsConfig config;
    /** Where consumers park messages they cannot apply; outside {@code paas.>} on purpose. */
    public static final String DEAD_LETTER_STREAM = "PAAS_DEADLETTER";

    private final Set<String> ensuredStreams = ConcurrentHashMap.newKeySet();
    private final java.util.List<Runnable> reconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Connection connection;

    public NatsClient(NatsConfig config) {
        this.config = config;
    }

    @PostConstruct
    void connect() {
        Options.Builder builder = new Options.Builder()
                .servers(config.url().split(","))
                .maxReconnects(-1)
                .connectionName(config.user())
                // replies and pulled messages come to this process's own inbox prefix, the only
                // subjects its user may subscribe to
                .inboxPrefix("_INBOX_" + config.user());
        config.password().filter(p -> !p.isBlank()).ifPresent(p -> builder.userInfo(config.user(), p));
        builder.connectionListener((conn, type) -> {
            if (type == io.nats.client.ConnectionListener.Events.RECONNECTED) {
                reconnectListeners.forEach(Runnable::run);
            }
        });
        Options options = builder.build();
        try {
            connection = Nats.connectReconnectOnConnect(options);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up NATS connection to " + config.url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void close(@Observes ShutdownEvent event) {
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code listener} (on a NATS thread: hand long work over) after every reconnect. A
     * server that was restarted has lost the pull requests in flight, so consumers pull again.
     */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public boolean isConnected() {
        return connection != null && connection.getStatus() == Connection.Status.CONNECTED;
    }

    public Connection connection() {
        return connection;
    }

    public JetStream jetStream() throws IOException {
        return connection.jetStream();
    }

    public JetStreamManagement management() throws IOException {
        return connection.jetStreamManagement();
    }

    /**
     * Creates the domain's stream, or brings its configuration up to date; safe to call from
     * every process that needs the stream, because they all derive the same configuration.
     */
    public void ensureStream(Domain domain) throws IOException, JetStreamApiException {
        // memberships are rebuilt from their whole history by any new projection (a new service,
        // a gateway starting): that stream keeps its events; the others age out
        ensure(domain.streamName(), domain.allSubjects(), domain == Domain.MEMBER ? Duration.ZERO : config.maxAge(), owns(domain));
    }

    /** True for the domains whose streams this service owns (and alone may reconfigure). */
    public boolean owns(Domain domain) {
        return config.ownedDomains().orElse(java.util.List.of()).contains(domain.token());
    }

    /** The stream of {@code deadletter.>}, where consumers put what they could not apply. */
    public void ensureDeadLetterStream() throws IOException, JetStreamApiException {
        ensure(DEAD_LETTER_STREAM, "deadletter.>");
    }

    private void ensure(String name, String subjects) throws IOException, JetStreamApiException {
        ensure(name, subjects, config.maxAge(), false);
    }

    /**
     * Creates the stream when missing; only its owner brings an existing stream's configuration
     * up to date (other processes' NATS users may create it, never change it).
     */
    private void ensure(String name, String subjects, Duration maxAge, boolean owner) throws IOException, JetStreamApiException {
        if (ensuredStreams.contains(name)) {
            return;
        }
        StreamConfiguration wanted = StreamConfiguration.builder()
                .name(name)
                .subjects(subjects)
                .storageType(StorageType.File)
                .duplicateWindow(config.duplicateWindow())
                .maxAge(maxAge)
                .build();
        JetStreamManagement jsm = management();
        StreamInfo existing = null;
        try {
            existing = jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10059) { // 10059: stream not found
                throw e;
            }
        }
        if (existing == null) {
            try {
                jsm.addStream(wanted);
                Log.infof("created stream %s", name);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10058) { // 10058: another process created it first
                    throw e;
                }
            }
        } else if (owner && (!existing.getConfiguration().getDuplicateWindow().equals(config.duplicateWindow())
                || !existing.getConfiguration().getMaxAge().equals(maxAge))) {
            jsm.updateStream(wanted);
        }
        ensuredStreams.add(name);
    }
}

package io.openpaas.common.testing;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.IOException;
import java.util.List;

/** Reads what JetStream really stored, independently of the code under test. */
public final class StreamProbe implements AutoCloseable {

    private final Connection connection;

    public StreamProbe() {
        try {
            connection = Nats.connect(options("tester", System.getenv("OPENPAAS_NATS_PASSWORD_TESTER")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The platform's NATS as the test scripts start it (OPENPAAS_NATS_URL), as {@code user}. */
    public static io.nats.client.Options options(String user, String password) {
        String url = System.getProperty("openpaas.nats.url", System.getenv().getOrDefault("OPENPAAS_NATS_URL", "nats://127.0.0.1:4222"));
        io.nats.client.Options.Builder builder = new io.nats.client.Options.Builder().server(url).inboxPrefix("_INBOX_" + user)
                .connectionName("test-" + user);
        if (password != null && !password.isBlank()) {
            builder.userInfo(user, password);
        }
        return builder.build();
    }

    /** Number of messages stored in {@code stream} on subjects matching {@code filter}. */
    public long count(String stream, String filter) {
        try {
            StreamInfo info = connection.jetStreamManagement().getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
            List<Subject> subjects = info.getStreamState().getSubjects();
            return subjects == null ? 0 : subjects.stream().mapToLong(Subject::getCount).sum();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) {
                return 0;
            }
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Publishes raw bytes as a service would (with {@code Nats-Msg-Id}), once {@code stream}
     * exists (the service under test creates it at start).
     */
    public io.nats.client.api.PublishAck publish(String stream, String subject, String body, String msgId) {
        Await.until("stream " + stream, java.time.Duration.ofSeconds(15), () -> {
            try {
                connection.jetStreamManagement().getStreamInfo(stream);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        try {
            return connection.jetStream().publish(subject, new io.nats.client.impl.Headers().put("Nats-Msg-Id", msgId),
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bodies of every message stored on subjects matching {@code filter}, oldest first. */
    public List<String> bodies(String filter) {
        List<String> out = new java.util.ArrayList<>();
        try {
            io.nats.client.JetStreamSubscription sub = connection.jetStream().subscribe(filter,
                    io.nats.client.PushSubscribeOptions.builder().ordered(true).build());
            try {
                io.nats.client.Message message;
                while ((message = sub.nextMessage(java.time.Duration.ofMillis(500))) != null) {
                    out.add(new String(message.getData(), java.nio.charset.StandardCharsets.UTF_8));
                }
            } finally {
                sub.unsubscribe();
            }
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

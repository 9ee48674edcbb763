package io.openpaas.gateway.events;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.openpaas.gateway.auth.TokenVerifier;
import io.openpaas.gateway.problem.GatewayProblems;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/events}: the platform's events as Server-Sent Events, only those of
 * projects the caller may see (admins: all). All domain streams are sourced into one stream,
 * {@code PAAS_EVENTS}, so an event's id there is one increasing sequence: a client that
 * reconnects with {@code Last-Event-ID} resumes right after it, missing nothing and receiving
 * nothing twice. A client too slow to keep up is disconnected rather than buffered without
 * bound; it reconnects with its last id. The stream ends when the access token expires.
 */
@ApplicationScoped
public class LiveEvents {

    public static final String STREAM = "PAAS_EVENTS";

    private final GatewayNats nats;
    private final MembershipView memberships;
    private final LiveEventsConfig config;
    private final Vertx vertx;
    /** Streams open now, to count them and to end those of a revoked token or deleted user. */
    private final java.util.Set<Open> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private record Open(TokenVerifier.Verified caller, HttpServerResponse response, Context context) {
    }

    public LiveEvents(GatewayNats nats, MembershipView memberships, LiveEventsConfig config, Vertx vertx, Revocations revocations) {
        this.nats = nats;
        this.memberships = memberships;
        this.config = config;
        this.vertx = vertx;
        revocations.onRevoked(this::endRevoked);
        // after a reconnect the streams' consumers may be stale: end them, clients resume with Last-Event-ID
        nats.onReconnect(() -> open.forEach(o -> o.context().runOnContext(v -> {
            if (!o.response().ended() && !o.response().closed()) {
                o.response().end(": reconnect with Last-Event-ID\n\n");
            }
        })));
    }

    /** Ends, within moments of the event, every open stream of a revoked API token or a deleted user. */
    private void endRevoked(String tokenId, String userId) {
        for (Open o : open) {
            boolean hit = tokenId != null && tokenId.equals(o.caller().tokenId()) || userId != null && userId.equals(o.caller().subject());
            if (hit) {
                o.context().runOnContext(v -> {
                    if (!o.response().ended() && !o.response().closed()) {
                        o.response().end(": access revoked\n\n");
                    }
                });
            }
        }
    }

    /** Open live streams now (all, or one user's). */
    public int openStreams(String userId) {
        return (int) open.stream().filter(o -> userId == null || userId.equals(o.caller().subject())).count();
    }

    void onStart(@Observes StartupEvent event) {
        nats.connection().thenAccept(connection -> {
            Thread t = new Thread(() -> ensureStream(connection), "gateway-events-stream");
            t.setDaemon(true);
            t.start();
        });
    }

    /** What a client asked for: an optional project, type prefixes, and where to resume. */
    public record Subscription(String project, List<String> typePrefixes, Long afterSeq) {

        /** Parses the query; answers null and a 400 was sent when it is not valid. */
        public static Subscription parse(String project, String types, String lastEventId, HttpServerResponse response) {
            if (project != null && !project.isBlank()) {
                try {
                    UUID.fromString(project);
                } catch (IllegalArgumentException e) {
                    GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.VALIDATION, "project must be a project id (UUID)");
                    return null;
                }
            }
            List<String> prefixes = types == null || types.isBlank() ? List.of()
                    : Arrays.stream(types.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
            if (prefixes.stream().anyMatch(t -> !t.startsWith("paas."))) {
                GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.VALIDATION, "types are event type prefixes such as paas.build.");
                return null;
            }
            Long after = null;
            if (lastEventId != null && !lastEventId.isBlank()) {
                try {
                    after = Long.parseLong(lastEventId.strip());
                } catch (NumberFormatException e) {
                    after = -1L;
                }
                if (after < 0) {
                    GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.VALIDATION, "Last-Event-ID must be an id this stream sent");
                    return null;
                }
            }
            return new Subscription(project == null || project.isBlank() ? null : project, prefixes, after);
        }
    }

    /** True when the caller may see events of this project ({@code _}: platform-level, admins only). */
    public boolean visible(TokenVerifier.Verified caller, String projectId) {
        if (caller.admin()) {
            return true;
        }
        return !"_".equals(projectId) && memberships.isMember(projectId, caller.subject());
    }

    /**
     * Streams the events to an accepted request; the response headers are not written yet.
     * Refused with 429 beyond the streams a user or the gateway may hold, and for a
     * {@code Last-Event-ID} further behind than the replay allows.
     */
    public void stream(TokenVerifier.Verified caller, Subscription sub, HttpServerResponse response) {
        Connection connection = nats.connectedOrNull();
        if (connection == null) {
            GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.UNAVAILABLE, "the event stream is not reachable; retry shortly");
            return;
        }
        if (openStreams(caller.subject()) >= config.maxStreamsPerUser()) {
            tooMany(response, "you have " + config.maxStreamsPerUser() + " live event streams open already; close one first");
            return;
        }
        if (open.size() >= config.maxStreams()) {
            tooMany(response, "this gateway serves its most live event streams (" + config.maxStreams() + "); retry later");
            return;
        }
        Context context = vertx.getOrCreateContext();
        Open mine = new Open(caller, response, context);
        open.add(mine);
        response.closeHandler(v -> open.remove(mine));
        response.endHandler(v -> open.remove(mine));
        if (sub.afterSeq() == null) {
            start(caller, sub, response, connection, context);
            return;
        }
        // how far behind the client is: the stream's last sequence (a server request, off the event loop)
        vertx.executeBlocking(() -> connection.getStreamContext(STREAM).getStreamInfo().getStreamState().getLastSequence(), false)
                .onComplete(last -> {
                    if (last.succeeded() && last.result() - sub.afterSeq() > config.maxReplay()) {
                        open.remove(mine);
                        tooMany(response, "Last-Event-ID " + sub.afterSeq() + " is " + (last.result() - sub.afterSeq())
                                + " events behind; at most " + config.maxReplay() + " are replayed: reconnect without it, "
                                + "and read the history from GET /api/v1/audit");
                        return;
                    }
                    start(caller, sub, response, connection, context);
                });
    }

    private static void tooMany(HttpServerResponse response, String detail) {
        response.putHeader("Retry-After", "5");
        GatewayProblems.send(response, io.openpaas.common.problem.ProblemType.TOO_MANY_REQUESTS, detail);
    }

    private void start(TokenVerifier.Verified caller, Subscription sub, HttpServerResponse response, Connection connection, Context context) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 3000\n: connected\n\n");
        // nats-server 2.9 refuses consumer filters on a stream that only sources others: the
        // project filter is applied here, per event, like the visibility check
        OrderedConsumerConfiguration consumerConfig = new OrderedConsumerConfiguration();
        if (sub.afterSeq() == null) {
            consumerConfig.deliverPolicy(DeliverPolicy.New);
        } else {
            consumerConfig.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(sub.afterSeq() + 1);
        }
        // creating the consumer asks the server (a blocking request): off the event loop
        vertx.executeBlocking(() -> connection.getStreamContext(STREAM).createOrderedConsumer(consumerConfig)
                .consume(msg -> context.runOnContext(v -> deliver(caller, sub, msg, response))), false)
                .onComplete(created -> {
                    if (created.failed()) {
                        Log.warnf("live events could not subscribe: %s", created.cause().toString());
                        response.end();
                        return;
                    }
                    follow(caller, response, created.result());
                });
    }

    /** Heartbeats, the end at token expiry, and the consumer's release once the stream ends. */
    private void follow(TokenVerifier.Verified caller, HttpServerResponse response, MessageConsumer consumer) {
        Runnable release = () -> {
            try {
                consumer.stop();
                consumer.close();
            } catch (Exception e) {
                Log.debugf("closing a live event consumer: %s", e.toString());
            }
        };
        if (response.ended() || response.closed()) {
            release.run();
            return;
        }
        long heartbeat = vertx.setPeriodic(config.heartbeat().toMillis(), id -> {
            if (!response.ended() && !response.closed()) {
                response.write(": heartbeat\n\n");
            }
        });
        long remaining = Math.max(1, caller.expiresAtMillis() - System.currentTimeMillis());
        long expiry = vertx.setTimer(remaining, id -> {
            if (!response.ended() && !response.closed()) {
                response.end(": access token expired; reconnect with a new one and Last-Event-ID\n\n");
            }
        });
        Runnable cleanup = () -> {
            vertx.cancelTimer(heartbeat);
            vertx.cancelTimer(expiry);
            release.run();
            open.removeIf(o -> o.response() == response);
        };
        response.closeHandler(v -> cleanup.run());
        response.endHandler(v -> cleanup.run());
    }

    private void deliver(TokenVerifier.Verified caller, Subscription sub, Message msg, HttpServerResponse response) {
        if (response.ended() || response.closed()) {
            return;
        }
        String[] parts = msg.getSubject().split("\\.", 4); // paas.<domain>.<project>.<event>
        if (parts.length < 4 || sub.project() != null && !sub.project().equals(parts[2]) || !visible(caller, parts[2])
                || memberships.isDeleted(caller.subject())) {
            return;
        }
        String type = "paas." + parts[1] + "." + parts[3];
        if (!sub.typePrefixes().isEmpty() && sub.typePrefixes().stream().noneMatch(type::startsWith)) {
            return;
        }
        if (response.writeQueueFull()) {
            // too slow a reader: end the stream, the client resumes from its last id
            response.end(": too slow; reconnect with Last-Event-ID\n\n");
            return;
        }
        String data = new String(msg.getData(), StandardCharsets.UTF_8).replace("\n", "");
        response.write("id: " + msg.metaData().streamSequence() + "\nevent: " + type + "\ndata: " + data + "\n\n");
    }

    private void ensureStream(Connection connection) {
        StreamConfiguration wanted = StreamConfiguration.builder()
                .name(STREAM)
                .storageType(StorageType.File)
                .maxAge(config.replayWindow())
                .sources(java.util.Arrays.stream(io.openpaas.common.events.Domain.values())
                        .map(d -> Source.builder().sourceName(d.streamName()).build()).toList())
                .build();
        while (true) {
            try {
                JetStreamManagement jsm = connection.jetStreamManagement();
                try {
                    jsm.getStreamInfo(STREAM);
                    jsm.updateStream(wanted);
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != 10059) {
                        throw e;
                    }
                    jsm.addStream(wanted);
                    Log.infof("created stream %s sourcing every domain stream", STREAM);
                }
                return;
            } catch (Exception e) {
                Log.infof("stream %s not ensured yet: %s", STREAM, e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}

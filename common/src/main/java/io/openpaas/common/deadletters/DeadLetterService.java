package io.openpaas.common.deadletters;

import io.nats.client.JetStreamApiException;
import io.openpaas.common.api.Page;
import io.openpaas.common.consumer.ConsumerRunner;
import io.openpaas.common.consumer.DeadLetters;
import io.openpaas.common.consumer.DeadLetters.DeadLetter;
import io.openpaas.common.consumer.EventApplier;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.EventCodec;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Lists, replays and discards this service's dead letters. A replay applies the parked event
 * through its consumer's handler again, in the same inbox transaction as a delivery (so an event
 * that was applied meanwhile is not applied twice), and removes the dead letter once it is
 * applied; a replay that fails leaves it parked and says why. Replays never republish on
 * {@code paas.>}: other consumers, which applied the event already, are not involved.
 */
@ApplicationScoped
public class DeadLetterService {

    /** What a replay did: {@code applied} is false when the consumer had applied the event before. */
    public record Replayed(long seq, String eventId, boolean applied) {
    }

    private final DeadLetters deadLetters;
    private final ConsumerRunner consumers;
    private final EventApplier applier;
    private final EventCodec codec;
    private final Outbox outbox;

    public DeadLetterService(DeadLetters deadLetters, ConsumerRunner consumers, EventApplier applier, EventCodec codec, Outbox outbox) {
        this.deadLetters = deadLetters;
        this.consumers = consumers;
        this.applier = applier;
        this.codec = codec;
        this.outbox = outbox;
    }

    public Page<DeadLetterView> list(long after, int limit) {
        List<DeadLetter> letters = call(() -> deadLetters.list(consumers.durables().keySet(), after, limit + 1));
        return Page.of(letters, limit, this::view, DeadLetter::seq);
    }

    public Replayed replay(long seq) {
        Map<String, EventHandler> durables = consumers.durables();
        DeadLetter letter = find(durables, seq);
        EventEnvelope event;
        try {
            event = codec.decode(letter.data());
        } catch (IOException e) {
            throw ProblemException.conflict("dead letter " + seq + " is not a readable event; it cannot be replayed, only discarded");
        }
        boolean applied;
        try {
            // the admin's act is audited in the same transaction as its effect
            applied = applier.apply(durables.get(letter.consumer()), letter.consumer(), event, fresh -> outbox.append(Domain.SECURITY, null,
                    "dead_letter_replayed", seq, Map.of("consumer", letter.consumer(), "seq", seq, "event_id", event.id(),
                            "event_type", event.type(), "applied", fresh)));
        } catch (Throwable t) {
            String incident = java.util.UUID.randomUUID().toString();
            Log.warnf(t, "replay of dead letter %d (event %s) failed, incident %s", seq, event.id(), incident);
            if (!applier.databaseAnswers()) {
                throw new ProblemException(ProblemType.UNAVAILABLE, "the database does not answer; replay dead letter " + seq + " later");
            }
            throw ProblemException.conflict("replaying dead letter " + seq + " failed again (" + t.getClass().getSimpleName()
                    + "; incident " + incident + " in the service's log); it stays parked");
        }
        call(() -> {
            deadLetters.remove(seq);
            return null;
        });
        Log.infof("dead letter %d (event %s) replayed on %s", seq, event.id(), letter.consumer());
        return new Replayed(seq, event.id(), applied);
    }

    public void discard(long seq) {
        DeadLetter letter = find(consumers.durables(), seq);
        String eventId = null;
        try {
            eventId = codec.decode(letter.data()).id();
        } catch (IOException e) {
            // malformed: discarded without an id
        }
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("consumer", letter.consumer());
        data.put("seq", seq);
        data.put("event_id", eventId);
        try {
            applier.inTransaction(() -> outbox.append(Domain.SECURITY, null, "dead_letter_discarded", seq, data));
        } catch (Throwable t) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "the discard could not be recorded; nothing was discarded, try again");
        }
        call(() -> {
            deadLetters.remove(seq);
            return null;
        });
    }

    private DeadLetter find(Map<String, EventHandler> durables, long seq) {
        return call(() -> deadLetters.get(durables.keySet(), seq))
                .orElseThrow(() -> ProblemException.notFound("dead letter", seq));
    }

    private DeadLetterView view(DeadLetter letter) {
        String body = new String(letter.data(), StandardCharsets.UTF_8);
        String eventId = null;
        String type = null;
        try {
            EventEnvelope event = codec.decode(letter.data());
            eventId = event.id();
            type = event.type();
        } catch (IOException e) {
            // malformed: shown as it is
        }
        return new DeadLetterView(letter.seq(), letter.consumer(), letter.originalSubject(), letter.reason(), letter.at(), eventId, type,
                body.length() > 4096 ? body.substring(0, 4096) : body);
    }

    private interface NatsCall<T> {
        T run() throws IOException, JetStreamApiException;
    }

    private static <T> T call(NatsCall<T> call) {
        try {
            return call.run();
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            Log.warnf("dead letters: the broker failed: %s", e.toString());
            throw new ProblemException(ProblemType.UNAVAILABLE, "the event broker cannot be reached; try again");
        }
    }
}

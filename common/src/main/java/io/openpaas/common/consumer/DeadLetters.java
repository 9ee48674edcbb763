package io.openpaas.common.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.openpaas.common.events.Subjects;
import io.openpaas.common.nats.NatsClient;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The dead letters of this service's consumers: messages that failed on their own (malformed,
 * or refused by the handler while the infrastructure was fine) are parked on
 * {@code deadletter.<durable>} in stream {@code PAAS_DEADLETTER}, with the reason, the original
 * subject and the consumer in headers, until an admin replays or discards them.
 */
@ApplicationScoped
public class DeadLetters {

    /** Counts parked messages by consumer; alerts fire on any increase. */
    static final String COUNTER = "openpaas.consumer.deadlettered";
    public static final String REASON = "OpenPaaS-Reason";
    public static final String ORIGINAL_SUBJECT = "OpenPaaS-Original-Subject";
    public static final String CONSUMER = "OpenPaaS-Consumer";
    private static final int NOT_FOUND = 10037; // JetStream: no message found

    /** One parked message. */
    public record DeadLetter(long seq, String consumer, String originalSubject, String reason, Instant at, byte[] data) {
    }

    private final NatsClient nats;
    private final MeterRegistry registry;

    public DeadLetters(NatsClient nats, MeterRegistry registry) {
        this.nats = nats;
        this.registry = registry;
    }

    /**
     * Parks {@code msg} with its reason, then terminates it on its consumer. The dead letter's
     * {@code Nats-Msg-Id} is the original's stream position, so a repeated attempt (the term was
     * lost) parks it once. Answers false when it could not be parked: the message stays unacked
     * and is tried again.
     */
    public boolean park(String durable, Message msg, String reason) {
        try {
            String oneLine = reason.replaceAll("[\\r\\n\\t]+", " ");
            Headers headers = new Headers()
                    .put(REASON, oneLine.length() > 1000 ? oneLine.substring(0, 1000) : oneLine)
                    .put(ORIGINAL_SUBJECT, msg.getSubject())
                    .put(CONSUMER, durable)
                    .put("Nats-Msg-Id", durable + ":" + msg.metaData().streamSequence());
            nats.jetStream().publish(Subjects.deadLetter(durable), headers, msg.getData());
            msg.term();
            registry.counter(COUNTER, "consumer", durable).increment();
            Log.errorf("consumer %s dead-lettered a message from %s: %s", durable, msg.getSubject(), oneLine);
            return true;
        } catch (Exception e) {
            Log.errorf("consumer %s could not dead-letter a message: %s", durable, e.toString());
            return false;
        }
    }

    /** Up to {@code limit} dead letters of the given consumers after stream position {@code after}, oldest first. */
    public List<DeadLetter> list(Collection<String> durables, long after, int limit) throws IOException, JetStreamApiException {
        nats.ensureDeadLetterStream();
        List<DeadLetter> found = new ArrayList<>();
        for (String durable : durables) {
            long next = after + 1;
            for (int i = 0; i < limit; i++) {
                Optional<DeadLetter> letter = next(Subjects.deadLetter(durable), next);
                if (letter.isEmpty()) {
                    break;
                }
                found.add(letter.get());
                next = letter.get().seq() + 1;
            }
        }
        found.sort(Comparator.comparingLong(DeadLetter::seq));
        return found.size() > limit ? found.subList(0, limit) : found;
    }

    /** The dead letter at {@code seq}, if it is one of {@code durables}'. */
    public Optional<DeadLetter> get(Collection<String> durables, long seq) throws IOException, JetStreamApiException {
        nats.ensureDeadLetterStream();
        try {
            DeadLetter letter = toDeadLetter(nats.management().getMessage(NatsClient.DEAD_LETTER_STREAM, seq));
            return durables.contains(letter.consumer()) ? Optional.of(letter) : Optional.empty();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Removes a dead letter once it has been replayed or discarded. */
    public void remove(long seq) throws IOException, JetStreamApiException {
        nats.management().deleteMessage(NatsClient.DEAD_LETTER_STREAM, seq);
    }

    private Optional<DeadLetter> next(String subject, long from) throws IOException, JetStreamApiException {
        try {
            return Optional.of(toDeadLetter(nats.management().getNextMessage(NatsClient.DEAD_LETTER_STREAM, from, subject)));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static DeadLetter toDeadLetter(MessageInfo info) {
        Headers h = info.getHeaders();
        String consumer = h == null ? null : h.getFirst(CONSUMER);
        if (consumer == null) { // parked before the consumer was named in a header
            consumer = info.getSubject().substring(info.getSubject().indexOf('.') + 1);
        }
        return new DeadLetter(info.getSeq(), consumer, h == null ? null : h.getFirst(ORIGINAL_SUBJECT),
                h == null ? null : h.getFirst(REASON), info.getTime().toInstant(), info.getData());
    }
}

package io.openpaas.common.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventCodec;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.nats.NatsClient;
import io.openpaas.common.nats.NatsConfig;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Attaches every {@link EventHandler} to its streams with durable pull consumers and applies
 * each message exactly once in effect ({@link EventApplier}), then acks it.
 *
 * <p>Failures are of two kinds. A failure while the database does not answer is the
 * infrastructure's: it is retried for as long as it lasts, with a capped backoff, and makes the
 * service report not ready ({@link ConsumerHealth}); it never sends an event to the dead
 * letters, so an outage loses nothing. A failure while the database answers is the message's
 * own (malformed, or refused by the handler): it is retried {@code openpaas.nats.max-deliver}
 * times (ten times as many when it looks transient, see {@link TransientFailures}), then parked
 * in {@link DeadLetters} with its reason, so one poison event does not stall the others.
 */
@ApplicationScoped
public class ConsumerRunner {

    /** Most events a batched handler applies in one transaction: it bounds how long the transaction holds its locks. */
    private static final int BATCH = 1000;

    /** How many more tries a failure that looks transient gets than any other, while the database answers. */
    private static final int TRANSIENT_TRIES_FACTOR = 10;

    private final List<EventHandler> handlers;
    private final NatsClient nats;
    private final NatsConfig config;
    private final EventCodec codec;
    private final EventApplier applier;
    private final DeadLetters deadLetters;
    private final ConsumerHealth health;
    private final MeterRegistry registry;
    private final Backoff infrastructureBackoff;
    /** The consumer pulling for each durable now; replaced when the server was restarted. */
    private final Map<String, MessageConsumer> running = new ConcurrentHashMap<>();
    /** How each durable is (re)started: its consume call, kept for after a reconnect. */
    private final Map<String, java.util.concurrent.Callable<MessageConsumer>> starters = new ConcurrentHashMap<>();
    /** Failures of each message itself, by consumer and stream position; cleared when it is applied or parked. */
    private final Map<String, Integer> ownFailures = new ConcurrentHashMap<>();
    /** The stream each durable reads, for the pending counts {@code PipelineMetrics} asks the server for. */
    private final Map<String, String> streams = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public ConsumerRunner(@All List<EventHandler> handlers, NatsClient nats, NatsConfig config, EventCodec codec, EventApplier applier,
            DeadLetters deadLetters, ConsumerHealth health, MeterRegistry registry) {
        this.handlers = handlers.stream().filter(EventHandler::enabled).toList();
        this.nats = nats;
        this.config = config;
        this.codec = codec;
        this.applier = applier;
        this.deadLetters = deadLetters;
        this.health = health;
        this.registry = registry;
        this.infrastructureBackoff = new Backoff(Duration.ofMillis(250), config.retryMaxDelay());
    }

    void onStart(@Observes StartupEvent event) {
        if (handlers.isEmpty()) {
            return;
        }
        Thread attach = new Thread(this::attachAll, "consumer-attach");
        attach.setDaemon(true);
        attach.start();
        // a restarted server has forgotten the pending pulls: pull again on every reconnect
        nats.onReconnect(() -> {
            Thread again = new Thread(this::restartAll, "consumer-reattach");
            again.setDaemon(true);
            again.start();
        });
    }

    /** Replaces every running consumer by a new one on the same durable (its position is the server's). */
    private void restartAll() {
        for (var entry : starters.entrySet()) {
            while (!stopped) {
                try {
                    MessageConsumer old = running.get(entry.getKey());
                    if (old != null) {
                        old.stop();
                    }
                    running.put(entry.getKey(), entry.getValue().call());
                    Log.infof("consumer %s pulls again after a reconnect", entry.getKey());
                    break;
                } catch (Exception e) {
                    Log.infof("waiting to pull again for %s: %s", entry.getKey(), e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        for (MessageConsumer consumer : running.values()) {
            try {
                consumer.stop();
            } catch (Exception e) {
                Log.debugf("stopping consumer: %s", e);
            }
        }
    }

    /** Number of consumers attached; readiness of a consuming service waits for all of them. */
    public boolean allAttached() {
        int wanted = handlers.stream().mapToInt(h -> h.domains().size()).sum();
        return running.size() == wanted;
    }

    /** The durable consumer name of {@code handler} on {@code domain}. */
    public String durable(EventHandler handler, Domain domain) {
        return handler.name() + "-" + domain.token() + ("none".equals(config.durableSuffix()) ? "" : config.durableSuffix());
    }

    /** The stream each attached durable reads, by durable name. */
    public Map<String, String> attachedStreams() {
        return Map.copyOf(streams);
    }

    /** Every durable consumer of this service, with its handler. */
    public Map<String, EventHandler> durables() {
        Map<String, EventHandler> all = new java.util.TreeMap<>();
        for (EventHandler handler : handlers) {
            for (Domain domain : handler.domains()) {
                all.put(durable(handler, domain), handler);
            }
        }
        return all;
    }

    private void attachAll() {
        for (EventHandler handler : handlers) {
            for (Domain domain : handler.domains()) {
                while (!stopped) {
                    try {
                        attach(handler, domain);
                        break;
                    } catch (Exception e) {
                        Log.infof("waiting to attach %s to %s: %s", handler.name(), domain.streamName(), e.toString());
                        sleep(Duration.ofSeconds(1));
                    }
                }
            }
        }
    }

    private void attach(EventHandler handler, Domain domain) throws Exception {
        if (!nats.isConnected()) {
            throw new IOException("NATS not connected");
        }
        nats.ensureStream(domain);
        nats.ensureDeadLetterStream();
        String durable = durable(handler, domain);
        ConsumerConfiguration cc = ConsumerConfiguration.builder()
                .durable(durable)
                .filterSubject(domain.allSubjects())
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(config.deliverNew() ? DeliverPolicy.New : DeliverPolicy.All)
                .ackWait(config.ackWait())
                // unlimited: an outage may last longer than any count; we count a message's own failures ourselves
                .maxDeliver(-1)
                .build();
        JetStreamManagement jsm = nats.management();
        jsm.addOrUpdateConsumer(domain.streamName(), cc);
        streams.put(durable, domain.streamName());
        // registered at zero, so that dashboards and alerts see every consumer before its first event
        for (String counter : List.of("openpaas.consumer.handled", "openpaas.consumer.redelivered", DeadLetters.COUNTER)) {
            registry.counter(counter, "consumer", durable);
        }
        if (handler.batched()) {
            // keep enough pulled ahead that each transaction can take a full batch
            ConsumeOptions options = ConsumeOptions.builder().batchSize(BATCH * 2).expiresIn(30_000).build();
            BlockingQueue<Message> queue = new ArrayBlockingQueue<>(BATCH * 4);
            starters.put(durable, () -> nats.connection().getConsumerContext(domain.streamName(), durable).consume(options, msg -> {
                try {
                    countRedelivery(durable, msg);
                    queue.put(msg);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            running.put(durable, starters.get(durable).call());
            Thread worker = new Thread(() -> drain(handler, durable, queue), durable + "-batches");
            worker.setDaemon(true);
            worker.start();
        } else {
            ConsumeOptions options = ConsumeOptions.builder().batchSize(256).expiresIn(30_000).build();
            starters.put(durable, () -> nats.connection().getConsumerContext(domain.streamName(), durable)
                    .consume(options, msg -> {
                        countRedelivery(durable, msg);
                        onMessage(handler, durable, msg);
                    }));
            running.put(durable, starters.get(durable).call());
        }
        Log.infof("consumer %s attached to %s", durable, domain.streamName());
    }

    /** A message the server sends again: its ack was late or lost, or the handler failed before. */
    private void countRedelivery(String durable, Message msg) {
        if (msg.isJetStream() && msg.metaData().deliveredCount() > 1) {
            registry.counter("openpaas.consumer.redelivered", "consumer", durable).increment();
        }
    }

    /** Applies what has arrived, up to {@code BATCH} messages a transaction, until the runner stops. */
    private void drain(EventHandler handler, String durable, BlockingQueue<Message> queue) {
        List<Message> batch = new ArrayList<>(BATCH);
        while (!stopped) {
            try {
                Message first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                onBatch(handler, durable, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf("consumer %s batch loop: %s", durable, e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * One transaction for the whole batch: inbox claims, then the handler on the new events;
     * then each message is acked (a lost ack only means a redelivery the inbox skips). If the
     * infrastructure failed, every message waits; otherwise they are retried one by one, so one
     * bad event cannot hold back the others and is dead-lettered on its own.
     */
    private void onBatch(EventHandler handler, String durable, List<Message> messages) {
        List<Message> usable = new ArrayList<>(messages.size());
        List<EventEnvelope> events = new ArrayList<>(messages.size());
        for (Message msg : messages) {
            try {
                events.add(codec.decode(msg.getData()));
                usable.add(msg);
            } catch (IOException e) {
                deadLetters.park(durable, msg, "malformed event: " + e.getMessage());
            }
        }
        if (usable.isEmpty()) {
            return;
        }
        try {
            applier.applyBatch(handler, durable, events);
        } catch (Throwable t) {
            if (!applier.databaseAnswers()) {
                waitForInfrastructure(durable, usable, t);
                return;
            }
            Log.warnf("consumer %s: a batch of %d failed (%s); applying them one by one", durable, usable.size(), t.toString());
            for (Message msg : usable) {
                onMessage(handler, durable, msg);
            }
            return;
        }
        health.applied();
        registry.counter("openpaas.consumer.handled", "consumer", durable).increment(usable.size());
        for (Message msg : usable) {
            msg.ack(); // a lost ack only means a redelivery the inbox skips
        }
    }

    private void onMessage(EventHandler handler, String durable, Message msg) {
        EventEnvelope event;
        try {
            event = codec.decode(msg.getData());
        } catch (IOException e) {
            deadLetters.park(durable, msg, "malformed event: " + e.getMessage());
            return;
        }
        String key = durable + ":" + msg.metaData().streamSequence();
        try {
            applier.apply(handler, durable, event);
        } catch (Throwable t) {
            onFailure(durable, msg, event, key, t);
            return;
        }
        // applied and committed: whatever happens now, the inbox makes a redelivery harmless
        ownFailures.remove(key);
        health.applied();
        registry.counter("openpaas.consumer.handled", "consumer", durable).increment();
        try {
            msg.ackSync(config.requestTimeout());
        } catch (Exception e) {
            Log.warnf("consumer %s applied %s but its ack was lost (%s); the redelivery will be skipped", durable, event.id(), e.toString());
        }
    }

    /**
     * While the database does not answer, the failure is the infrastructure's: the message waits
     * without limit. Otherwise it is the message's own: a failure that looks transient (a lost
     * race, a timeout) is tried {@code TRANSIENT_TRIES_FACTOR} times as often as any other before
     * it is parked, so a handler that always times out cannot stall the consumer for ever.
     */
    private void onFailure(String durable, Message msg, EventEnvelope event, String key, Throwable t) {
        if (!applier.databaseAnswers()) {
            waitForInfrastructure(durable, List.of(msg), t);
            return;
        }
        boolean transientLooking = TransientFailures.isTransient(t);
        int limit = transientLooking ? config.maxDeliver() * TRANSIENT_TRIES_FACTOR : config.maxDeliver();
        int failures = ownFailures.merge(key, 1, Integer::sum);
        if (failures >= limit) {
            if (deadLetters.park(durable, msg, t.toString())) {
                ownFailures.remove(key);
            }
            return;
        }
        Duration delay = transientLooking ? infrastructureBackoff.delay(failures) : Duration.ofMillis(250L * failures * failures);
        Log.warnf("consumer %s failed on %s (its failure %d of %d), will retry in %d ms: %s", durable, event.id(), failures, limit,
                delay.toMillis(), t.toString());
        msg.nakWithDelay(delay);
    }

    /** Leaves the messages to JetStream for a later try, sooner at first and at most {@code retry-max-delay} apart. */
    private void waitForInfrastructure(String durable, List<Message> messages, Throwable t) {
        health.infrastructureFailed(t);
        registry.counter("openpaas.consumer.infrastructure_failures", "consumer", durable).increment();
        Duration delay = infrastructureBackoff.delay(messages.get(0).metaData().deliveredCount());
        Log.warnf("consumer %s: infrastructure failure, %d event(s) wait %d ms: %s", durable, messages.size(), delay.toMillis(), t.toString());
        for (Message msg : messages) {
            msg.nakWithDelay(delay);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.openpaas.common.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventCodec;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.events.Subjects;
import io.openpaas.common.nats.NatsClient;
import io.openpaas.common.nats.NatsConfig;
import io.openpaas.common.outbox.OutboxRelay;
import io.openpaas.common.security.CallerContext;
import io.quarkus.arc.All;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Attaches every {@link EventHandler} to its streams with durable pull consumers and applies
 * each message exactly once in effect: inbox claim + handler in one transaction, then a
 * double (acknowledged) ack. A failing message is redelivered with a growing delay; after
 * {@code openpaas.nats.max-deliver} attempts it goes to {@code deadletter.<durable>} with the
 * reason and is terminated, so one poison event does not stall the consumer.
 */
@ApplicationScoped
public class ConsumerRunner {

    /** Most events a batched handler applies in one transaction (13 parameters a row stay under PostgreSQL's 65,535). */
    private static final int BATCH = 1000;

    private final List<EventHandler> handlers;
    private final NatsClient nats;
    private final NatsConfig config;
    private final EventCodec codec;
    private final Inbox inbox;
    private final OutboxRelay relay;
    private final MeterRegistry registry;
    private final List<MessageConsumer> running = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    public ConsumerRunner(@All List<EventHandler> handlers, NatsClient nats, NatsConfig config, EventCodec codec, Inbox inbox,
            OutboxRelay relay, MeterRegistry registry) {
        this.handlers = handlers.stream().filter(EventHandler::enabled).toList();
        this.nats = nats;
        this.config = config;
        this.codec = codec;
        this.inbox = inbox;
        this.relay = relay;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        if (handlers.isEmpty()) {
            return;
        }
        Thread attach = new Thread(this::attachAll, "consumer-attach");
        attach.setDaemon(true);
        attach.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        for (MessageConsumer consumer : running) {
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
        String durable = handler.name() + "-" + domain.token() + ("none".equals(config.durableSuffix()) ? "" : config.durableSuffix());
        ConsumerConfiguration cc = ConsumerConfiguration.builder()
                .durable(durable)
                .filterSubject(domain.allSubjects())
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(config.ackWait())
                // one more than our own limit: the last delivery is the one we dead-letter
                .maxDeliver(config.maxDeliver() + 1)
                .build();
        JetStreamManagement jsm = nats.management();
        jsm.addOrUpdateConsumer(domain.streamName(), cc);
        ConsumerContext context = nats.connection().getConsumerContext(domain.streamName(), durable);
        if (handler.batched()) {
            // keep enough pulled ahead that each transaction can take a full batch
            ConsumeOptions options = ConsumeOptions.builder().batchSize(BATCH * 2).expiresIn(30_000).build();
            BlockingQueue<Message> queue = new ArrayBlockingQueue<>(BATCH * 4);
            running.add(context.consume(options, msg -> {
                try {
                    queue.put(msg);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            Thread worker = new Thread(() -> drain(handler, durable, queue), durable + "-batches");
            worker.setDaemon(true);
            worker.start();
        } else {
            ConsumeOptions options = ConsumeOptions.builder().batchSize(256).expiresIn(30_000).build();
            running.add(context.consume(options, msg -> onMessage(handler, durable, msg)));
        }
        Log.infof("consumer %s attached to %s", durable, domain.streamName());
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
     * batch fails, its messages are retried one by one, so one bad event cannot hold back the
     * others and is dead-lettered on its own.
     */
    private void onBatch(EventHandler handler, String durable, List<Message> messages) {
        List<Message> usable = new ArrayList<>(messages.size());
        List<EventEnvelope> events = new ArrayList<>(messages.size());
        for (Message msg : messages) {
            try {
                EventEnvelope event = codec.decode(msg.getData());
                if (msg.metaData().deliveredCount() > config.maxDeliver()) {
                    deadLetter(durable, msg, "delivered " + msg.metaData().deliveredCount() + " times without success");
                    continue;
                }
                usable.add(msg);
                events.add(event);
            } catch (IOException e) {
                deadLetter(durable, msg, "malformed event: " + e.getMessage());
            }
        }
        if (usable.isEmpty()) {
            return;
        }
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> inbox
                    .claimAll(durable, events.stream().map(EventEnvelope::id).toList())
                    // fresh ids, each once even if the batch holds the same event twice
                    .chain(fresh -> handler.handleBatch(events.stream().filter(e -> fresh.remove(e.id())).toList()))));
            for (Message msg : usable) {
                msg.ack();
            }
            registry.counter("openpaas.consumer.handled", "consumer", durable).increment(usable.size());
        } catch (Throwable t) {
            Log.warnf("consumer %s: a batch of %d failed (%s); applying them one by one", durable, usable.size(), t.toString());
            for (Message msg : usable) {
                onMessage(handler, durable, msg);
            }
        }
    }

    private void onMessage(EventHandler handler, String durable, Message msg) {
        EventEnvelope event;
        try {
            event = codec.decode(msg.getData());
        } catch (IOException e) {
            deadLetter(durable, msg, "malformed event: " + e.getMessage());
            return;
        }
        long delivered = msg.metaData().deliveredCount();
        if (delivered > config.maxDeliver()) {
            deadLetter(durable, msg, "delivered " + delivered + " times without success");
            return;
        }
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
                CallerContext.bindConsumedCorrelation(event.correlationId());
                return inbox.claim(durable, event.id())
                        .chain(fresh -> fresh ? handler.handle(event) : Uni.createFrom().voidItem());
            }));
            relay.wake(); // the handler may have written outbox rows
            msg.ackSync(config.requestTimeout());
            registry.counter("openpaas.consumer.handled", "consumer", durable).increment();
        } catch (Throwable t) {
            if (delivered >= config.maxDeliver()) {
                deadLetter(durable, msg, t.toString());
            } else {
                Log.warnf("consumer %s failed on %s (delivery %d), will retry: %s", durable, event.id(), delivered, t.toString());
                msg.nakWithDelay(Duration.ofMillis(250L * delivered * delivered));
            }
        }
    }

    private void deadLetter(String durable, Message msg, String reason) {
        try {
            String oneLine = reason.replaceAll("[\\r\\n\\t]+", " ");
            Headers headers = new Headers()
                    .put("OpenPaaS-Reason", oneLine.length() > 1000 ? oneLine.substring(0, 1000) : oneLine)
                    .put("OpenPaaS-Original-Subject", msg.getSubject());
            nats.jetStream().publish(Subjects.deadLetter(durable), headers, msg.getData());
            msg.term();
            registry.counter("openpaas.consumer.deadlettered", "consumer", durable).increment();
            Log.errorf("consumer %s dead-lettered a message from %s: %s", durable, msg.getSubject(), reason);
        } catch (Exception e) {
            // not acked: it is redelivered and dead-lettered on a later try
            Log.errorf("consumer %s could not dead-letter a message: %s", durable, e.toString());
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

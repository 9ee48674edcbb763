package io.openpaas.common.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventCodec;
import io.openpaas.common.json.Json;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.events.Subjects;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.security.CallerContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records an event in the current transaction (docs/contracts.md). The row becomes visible to the
 * relay only when the caller's transaction commits, so a rolled-back change publishes nothing
 * and a committed one is never lost.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final Json json;
    private final CallerContext caller;
    private final Pool pool;
    private final OutboxRelay relay;
    private final String source;

    public Outbox(EventCodec codec, Json json, CallerContext caller, Pool pool, OutboxRelay relay,
            @ConfigProperty(name = "quarkus.application.name") String appName) {
        this.codec = codec;
        this.json = json;
        this.caller = caller;
        this.pool = pool;
        this.relay = relay;
        this.source = "/" + appName;
    }

    /**
     * Appends {@code paas.<domain>.<projectId>.<event>} about resource {@code resourceId} to the
     * outbox; the actor and correlation id come from the current request or consumed event.
     */
    public Uni<EventEnvelope> append(Domain domain, UUID projectId, String event, Object resourceId, Object data) {
        JsonNode payload = json.tree(data);
        EventEnvelope envelope = new EventEnvelope(
                EventEnvelope.SPEC_VERSION,
                Ids.newId().toString(),
                source,
                Subjects.type(domain, event),
                resourceId == null ? null : resourceId.toString(),
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                EventEnvelope.JSON,
                projectId == null ? null : projectId.toString(),
                caller.actor(),
                caller.correlationId(),
                payload);
        return insert(envelope).replaceWith(envelope);
    }

    /** Appends an envelope built elsewhere, in the current transaction. */
    public Uni<Void> insert(EventEnvelope envelope) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into outbox_events (id, subject, payload) values (:id, :subject, :payload)")
                .setParameter("id", UUID.fromString(envelope.id()))
                .setParameter("subject", Subjects.subjectOf(envelope))
                .setParameter("payload", codec.encode(envelope))
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Appends an envelope in a transaction of its own and wakes the relay: for events that go
     * with no other change, such as a denied request (no Hibernate session needed).
     */
    public Uni<Void> insertAlone(EventEnvelope envelope) {
        return pool.preparedQuery("insert into outbox_events (id, subject, payload) values ($1, $2, $3)")
                .execute(Tuple.of(UUID.fromString(envelope.id()), Subjects.subjectOf(envelope), codec.encode(envelope)))
                .invoke(relay::wake)
                .replaceWithVoid();
    }
}

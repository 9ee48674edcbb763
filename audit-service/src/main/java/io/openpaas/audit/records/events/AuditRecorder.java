package io.openpaas.audit.records.events;

import io.openpaas.audit.records.AuditRecord;
import io.openpaas.audit.records.repository.AuditRecordRepository;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Stores every event of {@code paas.>} in the audit trail, once per event id. */
@ApplicationScoped
public class AuditRecorder implements EventHandler {

    private final AuditRecordRepository records;

    public AuditRecorder(AuditRecordRepository records) {
        this.records = records;
    }

    @Override
    public String name() {
        return "audit-recorder";
    }

    @Override
    public Set<Domain> domains() {
        return EnumSet.allOf(Domain.class);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        return records.append(toRecord(event)).replaceWithVoid();
    }

    /** The audit trail is the busiest consumer: it appends whole batches to the chain at once. */
    @Override
    public boolean batched() {
        return true;
    }

    @Override
    public Uni<Void> handleBatch(List<EventEnvelope> events) {
        return records.appendAll(events.stream().map(AuditRecorder::toRecord).toList()).replaceWithVoid();
    }

    private static AuditRecord toRecord(EventEnvelope event) {
        AuditRecord r = new AuditRecord();
        r.eventId = event.id();
        r.type = event.type();
        r.source = event.source();
        r.resource = event.subject();
        r.projectId = event.projectId();
        r.actor = event.actor();
        r.correlationId = event.correlationId();
        // the database keeps microseconds: hash what it will store
        r.occurredAt = (event.time() == null ? java.time.Instant.now() : event.time()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        r.data = event.data() == null ? null : event.data().toString();
        return r;
    }
}

package io.openpaas.common.events;

import io.openpaas.common.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/** Turns envelopes into the bytes put on the wire and back. */
@ApplicationScoped
public class EventCodec {

    private final Json json;

    public EventCodec(Json json) {
        this.json = json;
    }

    public String encode(EventEnvelope envelope) {
        return json.write(envelope);
    }

    /** Decodes bytes that came from the broker: unlike our own rows, they may be anything. */
    public EventEnvelope decode(byte[] bytes) throws IOException {
        EventEnvelope envelope = json.mapper().readValue(bytes, EventEnvelope.class);
        if (envelope.id() == null || envelope.type() == null) {
            throw new IOException("event without id or type");
        }
        return envelope;
    }
}

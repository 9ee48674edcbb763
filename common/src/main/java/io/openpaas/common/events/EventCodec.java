package io.openpaas.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/** Turns envelopes into the bytes put on the wire and back, with the application's ObjectMapper. */
@ApplicationScoped
public class EventCodec {

    private final ObjectMapper mapper;

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String encode(EventEnvelope envelope) {
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode event " + envelope.id(), e);
        }
    }

    public EventEnvelope decode(byte[] bytes) throws IOException {
        EventEnvelope envelope = mapper.readValue(bytes, EventEnvelope.class);
        if (envelope.id() == null || envelope.type() == null) {
            throw new IOException("event without id or type");
        }
        return envelope;
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}

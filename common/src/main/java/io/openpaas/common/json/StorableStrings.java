package io.openpaas.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Refuses, while reading a request body, any string holding U+0000: PostgreSQL cannot store
 * it in text, so letting it through would end in a database error instead of a 400 that names
 * the field.
 */
@Singleton
public class StorableStrings implements ObjectMapperCustomizer {

    /** Message of the refusal; {@code ProblemMappers} turns it into a field error. */
    public static final String NUL_REFUSED = "must not contain the NUL character (U+0000)";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("openpaas-storable-strings").addDeserializer(String.class, new NoNulStrings()));
    }

    static final class NoNulStrings extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            if (value != null && value.indexOf('\0') >= 0) {
                throw ctxt.weirdStringException(value, String.class, NUL_REFUSED);
            }
            return value;
        }
    }
}

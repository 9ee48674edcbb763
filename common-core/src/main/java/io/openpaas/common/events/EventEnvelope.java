package io.openpaas.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A CloudEvents 1.0 envelope in JSON structured mode, with the OpenPaaS extension attributes
 * {@code projectid}, {@code actor} and {@code correlationid} (docs/contracts.md). Data never holds
 * secret values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.quarkus.runtime.annotations.RegisterForReflection // decoded by Jackson from NATS, outside REST (docs/delivery.md)
public record EventEnvelope(
        @JsonProperty("specversion") String specVersion,
        @JsonProperty("id") String id,
        @JsonProperty("source") String source,
        @JsonProperty("type") String type,
        @JsonProperty("subject") String subject,
        @JsonProperty("time") Instant time,
        @JsonProperty("datacontenttype") String dataContentType,
        @JsonProperty("projectid") String projectId,
        @JsonProperty("actor") String actor,
        @JsonProperty("correlationid") String correlationId,
        @JsonProperty("data") JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";
}

package io.openpaas.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code type} is stable and documented; {@code detail} tells a
 * person what to change; {@code errors} lists field-level problems of a validation failure.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://openpaas.dev/problems/";

    /** One invalid field: a JSON pointer-like path and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}

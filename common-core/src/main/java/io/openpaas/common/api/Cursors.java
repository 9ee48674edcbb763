package io.openpaas.common.api;

import io.openpaas.common.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;

/**
 * Opaque pagination cursors: base64url of the last key seen. Clients must not build them, so
 * the key can change without breaking anyone.
 */
public final class Cursors {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 200;

    private Cursors() {
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The text key of a cursor, or {@code null} for the first page. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor this API returned");
        }
    }

    /** The UUID key of a cursor, or {@code null} for the first page. */
    public static UUID decodeUuid(String cursor) {
        return decodeKey(cursor, UUID::fromString);
    }

    /** The numeric key of a cursor, or {@code null} for the first page. */
    public static Long decodeLong(String cursor) {
        return decodeKey(cursor, Long::valueOf);
    }

    private static <T> T decodeKey(String cursor, Function<String, T> parse) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return parse.apply(decode(cursor));
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            throw ProblemException.invalidField("cursor", "is not a cursor this API returned");
        }
    }

    /** The page size asked for, checked against the bounds. */
    public static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}

package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.openpaas.common.api.Cursors;
import io.openpaas.common.problem.Problem;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorsTest {

    /** Asserts that {@code call} is refused as a 400 validation problem about {@code field}. */
    static ProblemException assertInvalidField(String field, org.junit.jupiter.api.function.Executable call) {
        ProblemException e = assertThrows(ProblemException.class, call);
        assertEquals(ProblemType.VALIDATION, e.type());
        Problem problem = e.toProblem();
        assertEquals(400, problem.status());
        assertEquals(1, problem.errors().size());
        assertEquals(field, problem.errors().get(0).field());
        return e;
    }

    @Test
    void encodeIsUnpaddedBase64Url() {
        // "YQ==" in standard base64: no padding
        assertEquals("YQ", Cursors.encode("a"));
        // "Pz8/" in standard base64: the URL alphabet turns '/' into '_'
        assertEquals("Pz8_", Cursors.encode("???"));
        // "Pj4+" in standard base64: the URL alphabet turns '+' into '-'
        assertEquals("Pj4-", Cursors.encode(">>>"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "a", "row-42", "2024-01-01T00:00:00Z|7f1c", "ключ/é ✓", "???>>>~~~" })
    void decodeReversesEncode(String key) {
        assertEquals(key, Cursors.decode(Cursors.encode(key)));
    }

    @Test
    void nullOrBlankCursorMeansFirstPage() {
        assertNull(Cursors.decode(null));
        assertNull(Cursors.decode(""));
        assertNull(Cursors.decode("   "));
        assertNull(Cursors.decodeUuid(null));
        assertNull(Cursors.decodeUuid(" "));
        assertNull(Cursors.decodeLong(null));
        assertNull(Cursors.decodeLong(""));
    }

    @Test
    void uuidRoundTrip() {
        UUID id = UUID.fromString("0b9c6a4e-3f42-4c1e-9d7a-1f2e3d4c5b6a");
        assertEquals(id, Cursors.decodeUuid(Cursors.encode(id.toString())));
    }

    @Test
    void longRoundTrip() {
        assertEquals(42L, Cursors.decodeLong(Cursors.encode("42")));
        assertEquals(-7L, Cursors.decodeLong(Cursors.encode("-7")));
        assertEquals(Long.MAX_VALUE, Cursors.decodeLong(Cursors.encode(Long.toString(Long.MAX_VALUE))));
    }

    @ParameterizedTest
    @ValueSource(strings = { "!!!", "a", "%%%%", "ab*d" })
    void decodeRefusesWhatIsNotBase64Url(String cursor) {
        assertInvalidField("cursor", () -> Cursors.decode(cursor));
    }

    @Test
    void decodeUuidRefusesBadInput() {
        // valid base64url but the key is not a UUID
        assertInvalidField("cursor", () -> Cursors.decodeUuid(Cursors.encode("not-a-uuid")));
        assertInvalidField("cursor", () -> Cursors.decodeUuid(Cursors.encode("42")));
        // not base64url at all
        assertInvalidField("cursor", () -> Cursors.decodeUuid("!!!"));
    }

    @Test
    void decodeLongRefusesBadInput() {
        assertInvalidField("cursor", () -> Cursors.decodeLong(Cursors.encode("12x")));
        assertInvalidField("cursor", () -> Cursors.decodeLong(Cursors.encode("1.5")));
        assertInvalidField("cursor", () -> Cursors.decodeLong(Cursors.encode("9223372036854775808"))); // MAX+1
        assertInvalidField("cursor", () -> Cursors.decodeLong(Cursors.encode(UUID.randomUUID().toString())));
        assertInvalidField("cursor", () -> Cursors.decodeLong("!!!"));
    }

    @Test
    void badCursorProblemDoesNotEchoTheInput() {
        ProblemException e = assertInvalidField("cursor", () -> Cursors.decodeLong(Cursors.encode("secret-ish")));
        assertFalse(e.getMessage().contains("secret-ish"), e.getMessage());
    }

    @Test
    void limitDefaultsWhenAbsent() {
        assertEquals(Cursors.DEFAULT_LIMIT, Cursors.limit(null));
        assertEquals(20, Cursors.DEFAULT_LIMIT);
    }

    @Test
    void limitAcceptsTheBoundsAndValuesBetween() {
        assertEquals(1, Cursors.limit(1));
        assertEquals(57, Cursors.limit(57));
        assertEquals(Cursors.MAX_LIMIT, Cursors.limit(Cursors.MAX_LIMIT));
        assertEquals(200, Cursors.MAX_LIMIT);
    }

    @Test
    void limitRefusesOutOfBounds() {
        for (int bad : List.of(0, -1, Integer.MIN_VALUE, Cursors.MAX_LIMIT + 1, Integer.MAX_VALUE)) {
            ProblemException e = assertInvalidField("limit", () -> Cursors.limit(bad));
            assertEquals("must be between 1 and 200", e.toProblem().errors().get(0).message(), "limit " + bad);
        }
    }
}

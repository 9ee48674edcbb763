package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.api.ETags;
import io.openpaas.common.problem.Problem;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import jakarta.ws.rs.core.EntityTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ETagsTest {

    private static Problem assertPreconditionFailed(String ifMatch, long current) {
        ProblemException e = assertThrows(ProblemException.class, () -> ETags.checkIfMatch(ifMatch, current),
                "If-Match " + ifMatch + " against version " + current);
        assertEquals(ProblemType.PRECONDITION_FAILED, e.type());
        Problem problem = e.toProblem();
        assertEquals(412, problem.status());
        assertEquals("https://openpaas.dev/problems/precondition-failed", problem.type());
        return problem;
    }

    @Test
    void etagIsTheStrongDecimalVersion() {
        EntityTag tag = ETags.of(7);
        assertEquals("7", tag.getValue());
        assertFalse(tag.isWeak());
        assertEquals(new EntityTag("123456789012"), ETags.of(123456789012L));
        assertEquals("0", ETags.of(0).getValue());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = { "", "   ", "*", "  *  " })
    void absentOrWildcardIfMatchIsNoPrecondition(String ifMatch) {
        assertDoesNotThrow(() -> ETags.checkIfMatch(ifMatch, 7));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"7\"", // the ETag as sent
            "7", // unquoted: the quotes are stripped before comparing
            "W/\"7\"", // weak form of the same tag is accepted
            "  \"7\"  ",
            "\"3\", \"7\"", // any tag of a list may match
            "\"7\",\"9\"",
            "W/\"1\", W/\"7\"" })
    void matchingIfMatchPasses(String ifMatch) {
        assertDoesNotThrow(() -> ETags.checkIfMatch(ifMatch, 7));
    }

    @Test
    void staleTagAnswers412NamingTheCurrentEtag() {
        Problem problem = assertPreconditionFailed("\"6\"", 7);
        assertTrue(problem.detail().contains("\"7\""), problem.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"70\"", // no prefix matching
            "\"07\"", // compared as text, not as a number
            "\"3\", \"6\"", // no tag of the list matches
            "W/\"6\"" })
    void nonMatchingTagsAnswer412(String ifMatch) {
        assertPreconditionFailed(ifMatch, 7);
    }

    @Test
    void versionIsNotMatchedByAPrefixOfIt() {
        assertPreconditionFailed("\"7\"", 70);
    }

    @ParameterizedTest
    @ValueSource(strings = { "garbage", "\"\"", "W/", ",", "\"seven\"", "*, \"3\"" })
    void malformedIfMatchAnswers412(String ifMatch) {
        assertPreconditionFailed(ifMatch, 7);
    }
}

package io.openpaas.common.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain unit test of {@link ProblemMappers#knownCause}; lives in its package because it is package-private. */
class ProblemMappersKnownCauseTest {

    /** Stands for Hibernate's exception: the mapper matches it by simple name. */
    static final class OptimisticLockException extends RuntimeException {
        OptimisticLockException() {
            super("Row was updated or deleted by another transaction");
        }
    }

    static final class StaleObjectStateException extends RuntimeException {
    }

    private static PgException pg(String sqlState) {
        // (errorMessage, severity, sqlState, detail)
        return new PgException("boom", "ERROR", sqlState, null);
    }

    private static void assertProblem(ProblemType expected, Problem problem) {
        assertNotNull(problem, "expected a " + expected + " problem");
        assertEquals(expected.status(), problem.status());
        assertEquals(expected.uri(), problem.type());
        assertEquals(expected.title(), problem.title());
    }

    @Test
    void optimisticLockIs412() {
        Problem problem = ProblemMappers.knownCause(new OptimisticLockException());
        assertProblem(ProblemType.PRECONDITION_FAILED, problem);
        assertEquals(412, problem.status());
    }

    @Test
    void wrappedOptimisticLockIs412() {
        assertProblem(ProblemType.PRECONDITION_FAILED,
                ProblemMappers.knownCause(new CompletionException(new RuntimeException(new OptimisticLockException()))));
        assertProblem(ProblemType.PRECONDITION_FAILED, ProblemMappers.knownCause(new StaleObjectStateException()));
    }

    @Test
    void uniqueViolationIs409() {
        Problem problem = ProblemMappers.knownCause(pg("23505"));
        assertProblem(ProblemType.CONFLICT, problem);
        assertEquals(409, problem.status());
        assertProblem(ProblemType.CONFLICT, ProblemMappers.knownCause(new CompletionException(pg("23505"))));
    }

    @ParameterizedTest
    @ValueSource(strings = { "40001", "40P01" })
    void serializationFailureOrDeadlockIs409(String sqlState) {
        assertProblem(ProblemType.CONFLICT, ProblemMappers.knownCause(pg(sqlState)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "22021", "22P05" })
    void unstorableCharacterIs400(String sqlState) {
        Problem problem = ProblemMappers.knownCause(pg(sqlState));
        assertProblem(ProblemType.BAD_REQUEST, problem);
        assertEquals(400, problem.status());
    }

    @Test
    void sqlOrClassNamesDoNotLeakIntoTheDetail() {
        Problem problem = ProblemMappers.knownCause(new PgException("duplicate key value violates unique constraint \"uq_slug\"",
                "ERROR", "23505", "Key (slug)=(x) already exists."));
        assertNotNull(problem);
        assertEquals(-1, problem.detail().indexOf("uq_slug"), problem.detail());
        assertEquals(-1, problem.detail().indexOf("PgException"), problem.detail());
    }

    @Test
    void problemExceptionInTheChainIsAnsweredAsItself() {
        ProblemException inner = ProblemException.notFound("project", "p1");
        Problem problem = ProblemMappers.knownCause(new CompletionException(inner));
        assertProblem(ProblemType.NOT_FOUND, problem);
        assertEquals("project 'p1' does not exist", problem.detail());
    }

    @Test
    void unknownCausesAreNull() {
        assertNull(ProblemMappers.knownCause(new IllegalStateException("boom")));
        assertNull(ProblemMappers.knownCause(new CompletionException(new IllegalArgumentException("bad"))));
        assertNull(ProblemMappers.knownCause(pg("42P01"))); // undefined table: a bug, not the client's doing
        assertNull(ProblemMappers.knownCause(pg("08006")));
        assertNull(ProblemMappers.knownCause(pg(null)));
        assertNull(ProblemMappers.knownCause(null));
    }

    @Test
    void causeCycleTerminates() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        assertNull(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ProblemMappers.knownCause(a)));
    }
}

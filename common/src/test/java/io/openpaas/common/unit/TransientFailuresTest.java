package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.consumer.TransientFailures;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TransientFailuresTest {

    /** Stands for Hibernate's exception, which the classifier matches by simple name only. */
    static final class OptimisticLockException extends RuntimeException {
        OptimisticLockException() {
            super("row was updated by another transaction");
        }
    }

    static PgException pg(String sqlState) {
        // (errorMessage, severity, sqlState, detail)
        return new PgException("boom", "ERROR", sqlState, null);
    }

    @Test
    void pgExceptionCarriesTheSqlState() {
        // guards the constructor argument order the other tests rely on
        assertTrue("40001".equals(pg("40001").getSqlState()));
    }

    @Test
    void connectExceptionWrappedInCompletionExceptionIsTransient() {
        assertTrue(TransientFailures.isTransient(new CompletionException(new ConnectException("Connection refused"))));
    }

    @Test
    void deeplyWrappedConnectExceptionIsTransient() {
        Throwable failure = new RuntimeException("handler failed",
                new ExecutionException(new CompletionException(new ConnectException("Connection refused"))));
        assertTrue(TransientFailures.isTransient(failure));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "40001", // serialization failure
            "40P01", // deadlock
            "08006", // connection failure
            "08000",
            "57P01", // admin shutdown
            "57014", // statement timeout (query_canceled)
            "53300", // too many connections
            "58030", // I/O error
            "55P03" }) // lock not available
    void retryableSqlStatesAreTransient(String sqlState) {
        assertTrue(TransientFailures.isTransient(pg(sqlState)), sqlState);
        assertTrue(TransientFailures.isTransient(new CompletionException(pg(sqlState))), "wrapped " + sqlState);
        assertTrue(TransientFailures.isTransient(new SQLException("boom", sqlState)), "JDBC " + sqlState);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "23505", // unique violation
            "22008", // datetime field overflow
            "23503", // foreign key violation
            "22021", // character not in repertoire
            "42P01", // undefined table
            "55000", // same class as 55P03 but not lock-not-available
            "P0001" }) // raise exception
    void messageSqlStatesAreNotTransient(String sqlState) {
        assertFalse(TransientFailures.isTransient(pg(sqlState)), sqlState);
        assertFalse(TransientFailures.isTransient(new CompletionException(pg(sqlState))), "wrapped " + sqlState);
        assertFalse(TransientFailures.isTransient(new SQLException("boom", sqlState)), "JDBC " + sqlState);
    }

    @Test
    void pgExceptionWithoutSqlStateIsNotTransient() {
        assertFalse(TransientFailures.isTransient(pg(null)));
    }

    @Test
    void messageFailuresAreNotTransient() {
        assertFalse(TransientFailures.isTransient(new IllegalArgumentException("bad payload")));
        assertFalse(TransientFailures.isTransient(new CompletionException(new IllegalArgumentException("bad payload"))));
        assertFalse(TransientFailures.isTransient(new NullPointerException()));
        assertFalse(TransientFailures.isTransient(new UncheckedIOException(new IOException("bad json"))));
        assertFalse(TransientFailures.isTransient(new VertxException("some other failure")));
        assertFalse(TransientFailures.isTransient(null));
    }

    @Test
    void infrastructureExceptionTypesAreTransient() {
        assertTrue(TransientFailures.isTransient(new SocketTimeoutException("read timed out")));
        assertTrue(TransientFailures.isTransient(new TimeoutException()));
        assertTrue(TransientFailures.isTransient(new SQLTransientConnectionException("pool exhausted")));
        assertTrue(TransientFailures.isTransient(new SocketException("Connection reset")));
    }

    @Test
    void socketPermissionDeniedIsNotTransient() {
        assertFalse(TransientFailures.isTransient(new SocketException("Permission denied")));
    }

    @Test
    void vertxConnectionClosedIsTransient() {
        assertTrue(TransientFailures.isTransient(new VertxException("Connection was closed")));
        assertTrue(TransientFailures.isTransient(new CompletionException(new VertxException("Connection is closed"))));
    }

    @Test
    void exceptionsMatchedBySimpleNameAreTransient() {
        assertTrue(TransientFailures.isTransient(new OptimisticLockException()));
        assertTrue(TransientFailures.isTransient(new RuntimeException(new OptimisticLockException())));
    }

    @Test
    void transientSuppressedExceptionCounts() {
        IllegalStateException failure = new IllegalStateException("commit failed");
        failure.addSuppressed(new ConnectException("Connection refused"));
        assertTrue(TransientFailures.isTransient(failure));

        IllegalStateException other = new IllegalStateException("commit failed");
        other.addSuppressed(new IllegalArgumentException("bad"));
        assertFalse(TransientFailures.isTransient(other));
    }

    @Test
    void causeCycleTerminates() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> TransientFailures.isTransient(a)));
    }

    @Test
    void causeCycleStillFindsATransientCause() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        b.addSuppressed(new ConnectException("Connection refused"));
        assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> TransientFailures.isTransient(a)));
    }

    @Test
    void suppressedCycleTerminates() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.addSuppressed(b);
        b.addSuppressed(a);
        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> TransientFailures.isTransient(a)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "4", "40", "4000", "400010", "08", "57P0" })
    void stateThatIsNotFiveCharactersIsNotTransient(String sqlState) {
        assertFalse(TransientFailures.isTransientState(sqlState));
    }

    @Test
    void isTransientStateByClassAndCode() {
        assertTrue(TransientFailures.isTransientState("40001"));
        assertTrue(TransientFailures.isTransientState("08006"));
        assertTrue(TransientFailures.isTransientState("57P01"));
        assertTrue(TransientFailures.isTransientState("55P03"));
        assertFalse(TransientFailures.isTransientState("23505"));
        assertFalse(TransientFailures.isTransientState("22008"));
        assertFalse(TransientFailures.isTransientState("55P02"));
    }
}

package io.openpaas.common.consumer;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of the infrastructure (the database or the broker away or overloaded, a
 * timeout, a serialization failure or deadlock the database asks the client to retry) from a
 * failure of the message itself. The first kind is retried for as long as it lasts; only the
 * second kind may send a message to the dead letters.
 */
public final class TransientFailures {

    /** SQLSTATE classes and codes that say "try again later", whatever the statement was. */
    private static final Set<String> TRANSIENT_STATE_CLASSES = Set.of(
            "08", // connection exception
            "40", // transaction rollback: serialization failure, deadlock
            "53", // insufficient resources: too many connections, out of memory or disk
            "57", // operator intervention: shutdown, cannot connect now, statement timeout
            "58"); // system error (I/O)
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03"); // lock not available

    /** Exception class names (simple names) of clients we do not link against at compile time. */
    private static final Set<String> TRANSIENT_CLASS_NAMES = Set.of(
            "ClosedConnectionException", "NoStackTraceTimeoutException", "ConnectTimeoutException",
            "JDBCConnectionException", "OptimisticLockException", "StaleObjectStateException", "StaleStateException",
            "PessimisticLockException", "LockTimeoutException", "QueryTimeoutException", "LockAcquisitionException");

    private TransientFailures() {
    }

    /** True when {@code failure}, or anything that caused it, is an infrastructure failure. */
    public static boolean isTransient(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return walk(failure, seen);
    }

    private static boolean walk(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t) || seen.size() > 32) {
            return false;
        }
        if (isTransientItself(t)) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (walk(suppressed, seen)) {
                return true;
            }
        }
        return walk(t.getCause(), seen);
    }

    private static boolean isTransientItself(Throwable t) {
        if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException
                || t instanceof TimeoutException || t instanceof ClosedChannelException
                || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        if (t instanceof SocketException && !(t.getMessage() != null && t.getMessage().contains("Permission denied"))) {
            return true; // connection reset, broken pipe
        }
        if (t instanceof SQLException sql && isTransientState(sql.getSQLState())) {
            return true;
        }
        if (t instanceof io.vertx.pgclient.PgException pg && isTransientState(pg.getSqlState())) {
            return true;
        }
        if (TRANSIENT_CLASS_NAMES.contains(t.getClass().getSimpleName())) {
            return true;
        }
        // Vert.x reports a connection closed under a request as a plain VertxException
        String message = t.getMessage();
        return t instanceof io.vertx.core.VertxException && message != null
                && (message.contains("Connection was closed") || message.contains("Connection is closed")
                        || message.contains("Timeout"));
    }

    /** True for SQLSTATEs that say the statement may succeed when tried again later. */
    public static boolean isTransientState(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return TRANSIENT_STATE_CLASSES.contains(sqlState.substring(0, 2)) || TRANSIENT_STATES.contains(sqlState);
    }
}

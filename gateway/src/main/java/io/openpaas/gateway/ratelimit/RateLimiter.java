package io.openpaas.gateway.ratelimit;

import io.vertx.core.Future;

/**
 * Counts a caller's requests in fixed windows and says whether one more is allowed. Windows
 * are aligned on the wall clock so that replicas sharing a store count the same window.
 */
public interface RateLimiter {

    /** The answer for one request: allowed, or refused with the seconds until the window ends. */
    record Decision(boolean allowed, long retryAfterSeconds) {
        public static final Decision ALLOWED = new Decision(true, 0);
    }

    Future<Decision> acquire(String key);

    /** Seconds (at least 1) until the window that contains {@code nowMillis} ends. */
    static long secondsLeft(long nowMillis, long windowMillis) {
        long end = (nowMillis / windowMillis + 1) * windowMillis;
        return Math.max(1, (end - nowMillis + 999) / 1000);
    }
}

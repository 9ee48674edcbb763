package io.openpaas.common.consumer;

import java.time.Duration;

/** Exponential delays between retries, from {@code base} doubling up to {@code cap}. */
public record Backoff(Duration base, Duration cap) {

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(long attempt) {
        long shift = Math.max(0, Math.min(attempt - 1, 30));
        long millis = base.toMillis() << shift;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }
}

package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.openpaas.common.consumer.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void firstRetryWaitsTheBase() {
        assertEquals(Duration.ofMillis(100), backoff.delay(1));
    }

    @Test
    void eachRetryDoublesTheDelay() {
        assertEquals(Duration.ofMillis(200), backoff.delay(2));
        assertEquals(Duration.ofMillis(400), backoff.delay(3));
        assertEquals(Duration.ofMillis(800), backoff.delay(4));
        assertEquals(Duration.ofMillis(1600), backoff.delay(5));
        assertEquals(Duration.ofMillis(3200), backoff.delay(6));
    }

    @Test
    void delayIsCappedOnceDoublingWouldPassTheCap() {
        // 100 ms << 6 = 6400 ms > 5 s
        assertEquals(Duration.ofSeconds(5), backoff.delay(7));
        assertEquals(Duration.ofSeconds(5), backoff.delay(8));
        assertEquals(Duration.ofSeconds(5), backoff.delay(30));
    }

    @Test
    void delayEqualToTheCapIsKept() {
        Backoff exact = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(1000), exact.delay(2));
        assertEquals(Duration.ofSeconds(2), exact.delay(3));
        assertEquals(Duration.ofSeconds(2), exact.delay(4));
    }

    @Test
    void hugeAttemptNumbersGiveTheCapWithoutOverflowing() {
        Duration cap = Duration.ofSeconds(5);
        assertEquals(cap, backoff.delay(31));
        assertEquals(cap, backoff.delay(64));
        assertEquals(cap, backoff.delay(65));
        assertEquals(cap, backoff.delay(1_000_000));
        assertEquals(cap, backoff.delay(Integer.MAX_VALUE));
        assertEquals(cap, backoff.delay(Long.MAX_VALUE));
    }

    @Test
    void largeBaseAndHugeAttemptStillGiveTheCap() {
        // 1 day in ms << 30 is far past an int but still a positive long: the cap applies
        Backoff slow = new Backoff(Duration.ofDays(1), Duration.ofDays(7));
        assertEquals(Duration.ofDays(1), slow.delay(1));
        assertEquals(Duration.ofDays(4), slow.delay(3));
        assertEquals(Duration.ofDays(7), slow.delay(4));
        assertEquals(Duration.ofDays(7), slow.delay(Long.MAX_VALUE));
    }

    @Test
    void shiftOverflowingTheLongGivesTheCap() {
        // 2^33 ms << 30 = 2^63, which wraps to Long.MIN_VALUE: the guard must answer the cap
        Backoff huge = new Backoff(Duration.ofMillis(1L << 33), Duration.ofMillis(1L << 40));
        assertEquals(Duration.ofMillis(1L << 33), huge.delay(1));
        assertEquals(Duration.ofMillis(1L << 40), huge.delay(31));
        // 2^34 ms << 30 wraps to exactly 0
        Backoff huger = new Backoff(Duration.ofMillis(1L << 34), Duration.ofMillis(1L << 50));
        assertEquals(Duration.ofMillis(1L << 50), huger.delay(Long.MAX_VALUE));
    }

    @Test
    void attemptZeroOrNegativeWaitsTheBase() {
        assertEquals(Duration.ofMillis(100), backoff.delay(0));
        assertEquals(Duration.ofMillis(100), backoff.delay(-5));
    }

    @Test
    void delaysNeverDecreaseAndNeverPassTheCap() {
        Duration previous = Duration.ZERO;
        for (long attempt = 1; attempt <= 200; attempt++) {
            Duration d = backoff.delay(attempt);
            assertFalse(d.minus(previous).isNegative(), "attempt " + attempt + ": " + d + " < " + previous);
            assertFalse(Duration.ofSeconds(5).minus(d).isNegative(), "attempt " + attempt + ": " + d + " > cap");
            assertFalse(d.minus(Duration.ofMillis(100)).isNegative(), "attempt " + attempt + ": " + d + " < base");
            previous = d;
        }
        assertEquals(Duration.ofSeconds(5), previous);
    }
}

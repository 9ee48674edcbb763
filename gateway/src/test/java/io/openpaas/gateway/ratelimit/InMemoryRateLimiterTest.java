package io.openpaas.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The embedded limiter's counting, without a server (pure logic). */
class InMemoryRateLimiterTest {

    @Test
    void allowsTheBudgetThenRefusesWithTheTimeLeftInTheWindow() {
        long window = 3_600_000; // one hour: the test cannot cross a window boundary in practice
        InMemoryRateLimiter limiter = new InMemoryRateLimiter(3, window);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.acquire("token:a").result().allowed());
        }
        RateLimiter.Decision refused = limiter.acquire("token:a").result();
        assertFalse(refused.allowed());
        assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 3600);
        assertTrue(limiter.acquire("token:b").result().allowed(), "each key has its own budget");
    }

    @Test
    void secondsLeftRoundUpToTheEndOfTheWindow() {
        assertEquals(1, RateLimiter.secondsLeft(999, 1000));
        assertEquals(60, RateLimiter.secondsLeft(0, 60_000));
        assertEquals(1, RateLimiter.secondsLeft(59_500, 60_000));
    }

    @Test
    void endedWindowsAreForgotten() {
        InMemoryRateLimiter limiter = new InMemoryRateLimiter(1, 1);
        limiter.acquire("k");
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        limiter.evictEnded();
        assertTrue(limiter.acquire("k").result().allowed());
    }
}

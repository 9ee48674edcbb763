package io.openpaas.deploy.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.consumer.Backoff;
import io.openpaas.common.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries where a call may be repeated, never on a refusal, and fails fast while an endpoint keeps failing. */
class OutboundGuardTest {

    final AtomicInteger calls = new AtomicInteger();

    OutboundGuard guard() {
        return new OutboundGuard("the test endpoint", 3, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 4, Duration.ofMillis(300));
    }

    String failing() throws IOException {
        calls.incrementAndGet();
        throw new IOException("connection refused");
    }

    @Test
    void anIdempotentCallIsTriedThreeTimesAndAOneOffCallOnce() throws Exception {
        OutboundGuard guard = guard();
        DeployFailure failure = assertThrows(DeployFailure.class, () -> guard.idempotent("reading", this::failing));
        assertEquals(3, calls.get());
        assertTrue(failure.getMessage().contains("reading failed") && failure.getMessage().contains("connection refused"), failure.getMessage());
        calls.set(0);
        assertThrows(DeployFailure.class, () -> guard.once("pushing", this::failing));
        assertEquals(1, calls.get());
    }

    @Test
    void aRefusalIsTheToolsAnswerNeitherRetriedNorCounted() throws Exception {
        OutboundGuard guard = guard();
        for (int i = 0; i < 6; i++) {
            DeployFailure refused = assertThrows(OutboundGuard.RefusedFailure.class, () -> guard.idempotent("applying", () -> {
                calls.incrementAndGet();
                throw new OutboundGuard.Refused("answered 403: forbidden");
            }));
            assertTrue(refused.getMessage().contains("403"));
        }
        assertEquals(6, calls.get(), "one call each, and the circuit stays closed");
        assertEquals("ok", guard.once("reading", () -> "ok"));
    }

    @Test
    void afterFailuresInARowCallsFailFastUntilTheEndpointIsTriedAgain() throws Exception {
        OutboundGuard guard = guard();
        assertThrows(DeployFailure.class, () -> guard.idempotent("reading", this::failing));
        assertThrows(DeployFailure.class, () -> guard.once("reading", this::failing));
        assertEquals(4, calls.get());
        DeployFailure open = assertThrows(DeployFailure.class, () -> guard.once("reading", this::failing));
        assertEquals(4, calls.get(), "not called while open");
        assertTrue(open.getMessage().contains("unreachable") && open.getMessage().contains("connection refused"), open.getMessage());
        Await.until("tried again once the pause is over", Duration.ofSeconds(5), () -> {
            try {
                return "ok".equals(guard.once("reading", () -> "ok"));
            } catch (DeployFailure stillOpen) {
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("ok", guard.idempotent("reading", () -> "ok"), "closed again after a success");
    }
}

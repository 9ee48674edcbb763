package io.openpaas.gateway.ratelimit;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded default: counts in this gateway's memory (each replica counts on its own). */
public class InMemoryRateLimiter implements RateLimiter {

    private record Window(long index, int count) {
    }

    private final int limit;
    private final long windowMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public InMemoryRateLimiter(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    @Override
    public Future<Decision> acquire(String key) {
        long now = System.currentTimeMillis();
        long index = now / windowMillis;
        Window w = windows.compute(key, (k, old) -> old == null || old.index() != index ? new Window(index, 1) : new Window(index, old.count() + 1));
        return Future.succeededFuture(w.count() <= limit ? Decision.ALLOWED : new Decision(false, RateLimiter.secondsLeft(now, windowMillis)));
    }

    /** Forgets the windows that have ended, so idle callers cost no memory. */
    public void evictEnded() {
        long index = System.currentTimeMillis() / windowMillis;
        windows.values().removeIf(w -> w.index() < index);
    }
}

package io.openpaas.gateway.ratelimit;

import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/**
 * Counts in Redis, so that every gateway replica shares one budget per caller: one atomic
 * script increments the window's counter and sets its expiry on first use. When Redis cannot
 * be reached the request is let through (fail open) and logged: an outage of the limiter
 * should not become an outage of the API.
 */
public class RedisRateLimiter implements RateLimiter {

    private static final String SCRIPT = "local c = redis.call('INCR', KEYS[1]) "
            + "if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

    private final RedisAPI redis;
    private final int limit;
    private final long windowMillis;

    public RedisRateLimiter(RedisAPI redis, int limit, long windowMillis) {
        this.redis = redis;
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    @Override
    public Future<Decision> acquire(String key) {
        long now = System.currentTimeMillis();
        String windowKey = "openpaas:ratelimit:" + key + ":" + (now / windowMillis);
        return redis.eval(List.of(SCRIPT, "1", windowKey, Long.toString(windowMillis * 2)))
                .map(count -> count.toLong() <= limit ? Decision.ALLOWED : new Decision(false, RateLimiter.secondsLeft(now, windowMillis)))
                .recover(failure -> {
                    Log.warnf("rate limit store unavailable, letting the request through: %s", failure.toString());
                    return Future.succeededFuture(Decision.ALLOWED);
                });
    }
}

package io.openpaas.gateway.ratelimit;

import io.openpaas.gateway.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Picks the rate limiter: Redis when {@code OPENPAAS_REDIS_URL} is set, memory otherwise. */
@ApplicationScoped
public class RateLimiters {

    @Produces
    @ApplicationScoped
    RateLimiter rateLimiter(GatewayConfig config, Vertx vertx, @ConfigProperty(name = "openpaas.redis.url") Optional<String> redisUrl) {
        int limit = config.rateLimit().requests() <= 0 ? Integer.MAX_VALUE : config.rateLimit().requests();
        long window = Math.max(1, config.rateLimit().window().toMillis());
        if (redisUrl.filter(u -> !u.isBlank()).isPresent()) {
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl.get()).setMaxPoolSize(16)
                    .setMaxPoolWaiting(1024));
            return new RedisRateLimiter(RedisAPI.api(client), limit, window);
        }
        InMemoryRateLimiter memory = new InMemoryRateLimiter(limit, window);
        vertx.setPeriodic(Math.max(window * 10, 10_000), id -> memory.evictEnded());
        return memory;
    }
}

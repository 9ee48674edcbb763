package io.openpaas.common.health;

import io.openpaas.common.consumer.ConsumerHealth;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the consumers cannot apply events because the infrastructure fails them. */
@Readiness
@ApplicationScoped
public class ConsumerReadinessCheck implements HealthCheck {

    private final ConsumerHealth health;

    public ConsumerReadinessCheck(ConsumerHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("event-consumers");
        return health.outage()
                .map(o -> builder.down().withData("failing_since", o.since().toString()).withData("last_failure", o.lastFailure()))
                .orElseGet(builder::up)
                .build();
    }
}

package io.openpaas.common.security;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

/**
 * Puts each request's correlation id into the logging context, so that every log line written
 * while serving it carries {@code correlation_id} (a field of the JSON logs of the container
 * images; docs/operations.md). Quarkus keeps the MDC per request context, not per thread.
 */
@ApplicationScoped
public class CorrelationLogging {

    public static final String MDC_KEY = "correlation_id";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            MDC.put(MDC_KEY, CallerContext.correlationOf(rc));
            rc.next();
        });
    }
}

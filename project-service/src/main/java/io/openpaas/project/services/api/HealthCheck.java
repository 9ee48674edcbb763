package io.openpaas.project.services.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An HTTP GET a replica must answer with 2xx or 3xx to be healthy: the path, the port (by default
 * the service's first) and the timings. A replica takes traffic only once healthy.
 */
public record HealthCheck(
        @Size(max = 255) @Pattern(regexp = "^/[^\\s]*$", message = "must be an absolute URL path, e.g. /health") String path,
        @Min(1) @Max(65535) Integer port,
        @Min(1) @Max(300) Integer intervalSeconds,
        @Min(1) @Max(60) Integer timeoutSeconds,
        @Min(1) @Max(10) Integer failureThreshold,
        @Min(0) @Max(600) Integer initialDelaySeconds) {

    /** This check with every missing field at its default ({@code firstPort} may be null for a service without ports). */
    public HealthCheck withDefaults(Integer firstPort) {
        return new HealthCheck(path == null ? "/" : path, port == null ? firstPort : port, intervalSeconds == null ? 5 : intervalSeconds,
                timeoutSeconds == null ? 2 : timeoutSeconds, failureThreshold == null ? 3 : failureThreshold,
                initialDelaySeconds == null ? 0 : initialDelaySeconds);
    }
}

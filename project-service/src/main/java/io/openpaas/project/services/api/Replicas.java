package io.openpaas.project.services.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How many replicas run ({@code desired}; 0 stops the service) and the bounds scaling stays
 * within ({@code min}, {@code max}; an autoscaler on a cluster uses them too).
 */
public record Replicas(
        @Min(0) @Max(Replicas.LIMIT) Integer desired,
        @Min(0) @Max(Replicas.LIMIT) Integer min,
        @Min(1) @Max(Replicas.LIMIT) Integer max) {

    /** The most replicas one service may ask for. */
    public static final int LIMIT = 50;
    public static final Replicas DEFAULT = new Replicas(1, 1, 10);
}

package io.openpaas.project.services.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** What one replica may use: CPU in thousandths of a core and memory in MiB (limits on every target). */
public record Resources(
        @Min(10) @Max(64_000) Integer cpuMillicores,
        @Min(16) @Max(262_144) Integer memoryMb) {

    public static final Resources DEFAULT = new Resources(500, 256);
}

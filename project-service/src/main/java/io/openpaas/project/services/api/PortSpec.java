package io.openpaas.project.services.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A port the service listens on; public ports get an ingress. */
public record PortSpec(
        @NotBlank @Size(max = 15) @Pattern(regexp = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", message = "must be a lower-case DNS label") String name,
        @NotNull @Min(1) @Max(65535) Integer port,
        @JsonProperty("public") Boolean exposed) {
}

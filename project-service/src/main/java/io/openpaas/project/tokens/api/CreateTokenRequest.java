package io.openpaas.project.tokens.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/tokens}: a name, an optional lifetime and an optional role ceiling. */
public record CreateTokenRequest(
        @NotBlank @Size(max = 100) String name,
        @Min(1) @Max(3650) Integer expiresInDays,
        @Pattern(regexp = "viewer|developer|owner", message = "must be viewer, developer or owner") String roleCeiling) {
}

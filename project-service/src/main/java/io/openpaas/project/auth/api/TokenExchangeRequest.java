package io.openpaas.project.auth.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/auth/token}. */
public record TokenExchangeRequest(@NotBlank @Size(max = 200) String apiToken) {
}

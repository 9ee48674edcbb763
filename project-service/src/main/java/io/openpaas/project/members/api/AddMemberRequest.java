package io.openpaas.project.members.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code POST /api/v1/projects/{id}/members}. */
public record AddMemberRequest(
        @NotBlank String userId,
        @NotNull @Pattern(regexp = "viewer|developer|owner", message = "must be viewer, developer or owner") String role) {
}

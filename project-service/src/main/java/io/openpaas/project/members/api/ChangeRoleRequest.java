package io.openpaas.project.members.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code PATCH /api/v1/projects/{id}/members/{user}}. */
public record ChangeRoleRequest(
        @NotNull @Pattern(regexp = "viewer|developer|owner", message = "must be viewer, developer or owner") String role) {
}

package io.openpaas.project.auth.api;

/** Answer of {@code POST /api/v1/auth/token}. */
public record AccessTokenResponse(String accessToken, String tokenType, long expiresIn) {
}

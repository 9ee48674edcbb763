package io.openpaas.common.security;

/** An authenticated user as the JWT describes them. */
public record Caller(String userId, boolean admin) {
}

package io.openpaas.project.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * project-service as in production: signing key made on first start in the state folder, and
 * tokens verified through its own JWKS over HTTP (hence a port known before start: a free one,
 * picked once per test JVM), refetched on a new kid.
 */
public class JwksVerificationProfile implements QuarkusTestProfile {

    static final int PORT = freePort();

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "quarkus.http.test-port", Integer.toString(PORT),
                    "openpaas.state-dir", Files.createTempDirectory("openpaas-keys").toString(),
                    "openpaas.auth.jwt.private-key-location", "",
                    "openpaas.auth.jwt.public-key-location", "http://127.0.0.1:" + PORT + "/.well-known/jwks.json",
                    "smallrye.jwt.jwks.forced-refresh-interval", "0");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

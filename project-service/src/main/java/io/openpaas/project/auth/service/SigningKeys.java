package io.openpaas.project.auth.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The RS256 signing key and its public JWK, loaded from configuration or made on first start. */
@Startup
@ApplicationScoped
public class SigningKeys {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;

    public SigningKeys(JwtConfig config, @ConfigProperty(name = "openpaas.state-dir") String stateDir) throws Exception {
        this.privateKey = config.privateKeyLocation().isPresent()
                ? readConfigured(config.privateKeyLocation().get())
                : loadOrCreate(Path.of(stateDir, "keys", "jwt-signing.pem"));
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
        this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        this.keyId = thumbprint(publicKey);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The JWK Set published at {@code /.well-known/jwks.json}. */
    public Map<String, Object> jwks() {
        return Map.of("keys", List.of(Map.of(
                "kty", "RSA", "use", "sig", "alg", "RS256", "kid", keyId,
                "n", base64Url(publicKey.getModulus()), "e", base64Url(publicKey.getPublicExponent()))));
    }

    /** A file path (optionally {@code file:}) or else a classpath resource. */
    private static PrivateKey readConfigured(String location) throws Exception {
        Path file = Path.of(location.startsWith("file:") ? location.substring(5) : location);
        if (Files.isRegularFile(file)) {
            return KeyUtils.decodePrivateKey(Files.readString(file));
        }
        PrivateKey key = KeyUtils.readPrivateKey(location);
        if (key == null) {
            throw new IllegalStateException("no private key at " + location);
        }
        return key;
    }

    private static PrivateKey loadOrCreate(Path file) throws Exception {
        if (Files.exists(file)) {
            return KeyUtils.decodePrivateKey(Files.readString(file));
        }
        KeyPair pair = KeyUtils.generateKeyPair(2048);
        Files.createDirectories(file.getParent());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, pem);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // another replica made it first
        }
        Log.infof("made a new token signing key in %s", file);
        return KeyUtils.decodePrivateKey(Files.readString(file));
    }

    private static String thumbprint(RSAPublicKey key) throws Exception {
        // RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order
        String canonical = "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\"" + base64Url(key.getModulus()) + "\"}";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

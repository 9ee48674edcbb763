package io.openpaas.project.auth.service;

import io.openpaas.common.problem.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The RS256 signing key, and the previous one whose tokens are still accepted until they
 * expire. Keys come from configuration, or from key files made on first start (mode 0600) that
 * {@link #rotate()} replaces: the current key becomes the previous one and a new key signs from
 * then on. The JWKS publishes both, so verifiers accept old and new tokens during the change.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    /** The key that signs now and the public keys still published. */
    private record KeySet(PrivateKey signing, String keyId, RSAPublicKey current, Optional<RSAPublicKey> previous) {
    }

    private final Path currentFile;
    private final Path previousFile;
    private final boolean configured;
    private volatile KeySet keys;

    public SigningKeys(JwtConfig config, @ConfigProperty(name = "openpaas.state-dir") String stateDir) throws Exception {
        Path dir = Path.of(stateDir, "keys");
        this.currentFile = dir.resolve("jwt-signing.pem");
        this.previousFile = dir.resolve("jwt-signing.previous.pub.pem");
        this.configured = config.privateKeyLocation().isPresent();
        PrivateKey signing = configured ? readPrivate(config.privateKeyLocation().get()) : loadOrCreate(currentFile);
        Optional<RSAPublicKey> previous = configured
                ? config.previousPublicKeyLocation().map(SigningKeys::readPublic)
                : Files.exists(previousFile) ? Optional.of((RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(previousFile))) : Optional.empty();
        this.keys = keySet(signing, previous);
    }

    public PrivateKey privateKey() {
        return keys.signing();
    }

    public String keyId() {
        return keys.keyId();
    }

    /** The JWK Set published at {@code /.well-known/jwks.json}: current key first. */
    public Map<String, Object> jwks() {
        KeySet set = keys;
        List<Map<String, Object>> jwks = new ArrayList<>();
        jwks.add(jwk(set.current()));
        set.previous().ifPresent(p -> jwks.add(jwk(p)));
        return Map.of("keys", jwks);
    }

    /**
     * Makes a new signing key; the current one stays published as the previous key. Answers
     * the ids of the new and the previous key.
     */
    public synchronized Map<String, String> rotate() throws Exception {
        if (configured) {
            throw ProblemException.conflict("the signing key comes from configuration (OPENPAAS_AUTH_JWT_PRIVATE_KEY_LOCATION): "
                    + "rotate it there, with the old public key as OPENPAAS_AUTH_JWT_PREVIOUS_PUBLIC_KEY_LOCATION");
        }
        KeySet old = keys;
        KeyPair pair = KeyUtils.generateKeyPair(2048);
        // the previous public key is written before the new private key replaces the current one,
        // so a crash in between never leaves the old tokens without a published key
        writeAtomically(previousFile, pem("PUBLIC KEY", old.current().getEncoded()));
        writeAtomically(currentFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        keys = keySet(pair.getPrivate(), Optional.of(old.current()));
        Log.infof("rotated the token signing key: %s replaces %s", keys.keyId(), old.keyId());
        return Map.of("key_id", keys.keyId(), "previous_key_id", old.keyId());
    }

    private static KeySet keySet(PrivateKey signing, Optional<RSAPublicKey> previous) throws Exception {
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) signing;
        RSAPublicKey current = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return new KeySet(signing, thumbprint(current), current, previous);
    }

    private static Map<String, Object> jwk(RSAPublicKey key) {
        return Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", thumbprint(key),
                "n", base64Url(key.getModulus()), "e", base64Url(key.getPublicExponent()));
    }

    /** A file path (optionally {@code file:}) or else a classpath resource. */
    private static PrivateKey readPrivate(String location) throws Exception {
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

    private static RSAPublicKey readPublic(String location) {
        try {
            Path file = Path.of(location.startsWith("file:") ? location.substring(5) : location);
            PublicKey key = Files.isRegularFile(file) ? KeyUtils.decodePublicKey(Files.readString(file)) : KeyUtils.readPublicKey(location);
            if (key == null) {
                throw new IllegalStateException("no public key at " + location);
            }
            return (RSAPublicKey) key;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the previous public key at " + location, e);
        }
    }

    private static PrivateKey loadOrCreate(Path file) throws Exception {
        if (!Files.exists(file)) {
            KeyPair pair = KeyUtils.generateKeyPair(2048);
            if (writeIfAbsent(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()))) {
                Log.infof("made a new token signing key in %s", file);
            }
        }
        return KeyUtils.decodePrivateKey(Files.readString(file));
    }

    private static String pem(String kind, byte[] der) {
        return "-----BEGIN " + kind + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + kind + "-----\n";
    }

    private static Path ownerOnlyTemp(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        return tmp;
    }

    private static void writeAtomically(Path file, String content) throws Exception {
        Files.move(ownerOnlyTemp(file, content), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** False when another replica made the file first (its key is then used). */
    private static boolean writeIfAbsent(Path file, String content) throws Exception {
        Path tmp = ownerOnlyTemp(file, content);
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String thumbprint(RSAPublicKey key) {
        // RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order
        String canonical = "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\"" + base64Url(key.getModulus()) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

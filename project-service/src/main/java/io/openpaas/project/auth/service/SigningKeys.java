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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The RS256 signing key, the previous one whose tokens are still accepted until they expire,
 * and (in key-file mode) the next one. Keys come from configuration, or from key files made on
 * first start (mode 0600) that {@link #rotate()} moves along: the next key signs from then on,
 * the current one becomes the previous one, and a new next key is made.
 *
 * <p>The JWKS publishes the next key before it signs anything, so a verifier that fetched the
 * JWKS since the last rotation already knows the key of the next one and never refuses a fresh
 * token while its cache is behind. The previous key is published only until the longest token
 * it can have signed has expired (lifetime plus clock skew), then retired.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    /** The key that signs now and the public keys still published. */
    private record KeySet(PrivateKey signing, String keyId, RSAPublicKey current, Optional<RSAPublicKey> previous,
            Optional<RSAPublicKey> next) {
    }

    /** The longest token verifiers accept ({@code smallrye.jwt.time-to-live} in every service and the gateway). */
    private static final Duration MAX_LIFETIME = Duration.ofSeconds(900);

    /** How long past a token's lifetime a clock may be behind; verifiers allow the same skew. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Path currentFile;
    private final Path previousFile;
    private final Path nextFile;
    private final boolean configured;
    private final Duration previousKeyKept;
    private volatile KeySet keys;
    private volatile long loadedStamp;

    public SigningKeys(JwtConfig config, @ConfigProperty(name = "openpaas.state-dir") String stateDir) throws Exception {
        Path dir = Path.of(stateDir, "keys");
        this.currentFile = dir.resolve("jwt-signing.pem");
        this.previousFile = dir.resolve("jwt-signing.previous.pub.pem");
        this.nextFile = dir.resolve("jwt-signing.next.pem");
        this.configured = config.privateKeyLocation().isPresent();
        this.previousKeyKept = config.lifetime().plus(CLOCK_SKEW);
        PrivateKey signing = configured ? readPrivate(config.privateKeyLocation().get()) : loadOrCreate(currentFile);
        Optional<RSAPublicKey> previous = configured
                ? config.previousPublicKeyLocation().map(SigningKeys::readPublic)
                : Files.exists(previousFile) ? Optional.of((RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(previousFile))) : Optional.empty();
        Optional<RSAPublicKey> next = configured ? Optional.empty() : Optional.of(publicOf(loadOrCreate(nextFile)));
        this.keys = keySet(signing, previous, next);
        this.loadedStamp = configured ? 0 : filesStamp();
        if (config.lifetime().compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalStateException("openpaas.auth.jwt.lifetime is " + config.lifetime() + ", longer than verifiers accept ("
                    + MAX_LIFETIME + ", smallrye.jwt.time-to-live): every token would be refused");
        }
    }

    /** The key that signs now and its id, read together. */
    public record Signer(PrivateKey key, String keyId) {
    }

    public Signer signer() {
        KeySet set = current();
        return new Signer(set.signing(), set.keyId());
    }

    public String keyId() {
        return current().keyId();
    }

    /**
     * The keys, read again from their files when another replica sharing the key folder rotated
     * them: every replica then signs with the same key, and none signs with one the JWKS retired.
     */
    private KeySet current() {
        if (configured) {
            return keys;
        }
        long stamp = filesStamp();
        if (stamp != loadedStamp) {
            synchronized (this) {
                if (stamp != loadedStamp) {
                    try {
                        keys = keySet(KeyUtils.decodePrivateKey(Files.readString(currentFile)),
                                Files.exists(previousFile) ? Optional.of((RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(previousFile)))
                                        : Optional.empty(),
                                Optional.of(publicOf(KeyUtils.decodePrivateKey(Files.readString(nextFile)))));
                        loadedStamp = stamp;
                        Log.infof("signing keys changed on disk (another replica rotated them): now signing with %s", keys.keyId());
                    } catch (Exception e) {
                        Log.warnf("cannot reload the signing keys yet (%s); keeping %s", e.toString(), keys.keyId());
                    }
                }
            }
        }
        return keys;
    }

    private long filesStamp() {
        try {
            return Files.getLastModifiedTime(currentFile).toMillis() * 31 + Files.getLastModifiedTime(nextFile).toMillis();
        } catch (java.io.IOException e) {
            return loadedStamp;
        }
    }

    /** The JWK Set published at {@code /.well-known/jwks.json}: current key first, then the next, then the previous while it lives. */
    public Map<String, Object> jwks() {
        KeySet set = current();
        List<Map<String, Object>> jwks = new ArrayList<>();
        jwks.add(jwk(set.current()));
        set.next().ifPresent(n -> jwks.add(jwk(n)));
        set.previous().filter(p -> configured || previousStillValid()).ifPresent(p -> jwks.add(jwk(p)));
        return Map.of("keys", jwks);
    }

    /** The previous key file's time is the rotation's: its tokens all expired once the lifetime (and skew) has passed. */
    private boolean previousStillValid() {
        try {
            return Files.getLastModifiedTime(previousFile).toInstant().plus(previousKeyKept).isAfter(java.time.Instant.now());
        } catch (java.io.IOException e) {
            return false;
        }
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
        KeySet old = current();
        PrivateKey promoted = KeyUtils.decodePrivateKey(Files.readString(nextFile));
        KeyPair after = KeyUtils.generateKeyPair(2048);
        // the previous public key is written before the next key replaces the current one, so a
        // crash in between never leaves the old tokens without a published key; a crash before the
        // new next key is written promotes the same next key again on the following rotation
        writeAtomically(previousFile, pem("PUBLIC KEY", old.current().getEncoded()));
        writeAtomically(currentFile, pem("PRIVATE KEY", promoted.getEncoded()));
        writeAtomically(nextFile, pem("PRIVATE KEY", after.getPrivate().getEncoded()));
        keys = keySet(promoted, Optional.of(old.current()), Optional.of((RSAPublicKey) after.getPublic()));
        loadedStamp = filesStamp();
        Log.infof("rotated the token signing key: %s replaces %s", keys.keyId(), old.keyId());
        return Map.of("key_id", keys.keyId(), "previous_key_id", old.keyId());
    }

    private static KeySet keySet(PrivateKey signing, Optional<RSAPublicKey> previous, Optional<RSAPublicKey> next) throws Exception {
        RSAPublicKey current = publicOf(signing);
        return new KeySet(signing, thumbprint(current), current, previous, next);
    }

    private static RSAPublicKey publicOf(PrivateKey key) throws Exception {
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
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

package io.openpaas.build.credentials;

import io.openpaas.build.config.BuildConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts what build-service must keep but never show (Git credentials, webhook secrets) with
 * AES-256-GCM: a fresh 12-byte nonce per value, and the owning service's id plus the purpose as
 * associated data, so a value copied to another row does not decrypt. The key comes from
 * {@code openpaas.build.credentials-key} (base64) or a key file made on first start (0600).
 */
@ApplicationScoped
public class SecretCipher {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private final SecureRandom random = new SecureRandom();
    private final SecretKey key;

    public SecretCipher(BuildConfig config) {
        this.key = new SecretKeySpec(loadKey(config), "AES");
    }

    public byte[] encrypt(UUID owner, String purpose, String plaintext) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(owner, purpose));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public String decrypt(UUID owner, String purpose, byte[] stored) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE));
            cipher.updateAAD(aad(owner, purpose));
            return new String(cipher.doFinal(stored, NONCE, stored.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored " + purpose + " does not decrypt with this key (wrong key, or the row was altered)");
        }
    }

    private static byte[] aad(UUID owner, String purpose) {
        return (owner + "/" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] loadKey(BuildConfig config) {
        if (config.credentialsKey().filter(k -> !k.isBlank()).isPresent()) {
            return check(Base64.getDecoder().decode(config.credentialsKey().get().trim()));
        }
        Path file = Path.of(config.workDir(), "keys", "credentials.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path tmp = Files.createTempFile(file.getParent(), "key", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.TRUNCATE_EXISTING);
                try {
                    Files.move(tmp, file); // no replace: a second instance starting at once keeps the first key
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    Files.delete(tmp);
                }
            }
            return check(Base64.getDecoder().decode(Files.readString(file).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the credentials key " + file, e);
        }
    }

    private static byte[] check(byte[] key) {
        if (key.length != 32) {
            throw new IllegalStateException("the credentials key must be 32 bytes (AES-256), base64-encoded");
        }
        return key;
    }
}

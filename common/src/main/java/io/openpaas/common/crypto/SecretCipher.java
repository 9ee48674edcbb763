package io.openpaas.common.crypto;

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
 * Encrypts what a service must keep but never show (Git credentials, webhook secrets, cluster
 * credentials) with AES-256-GCM: a fresh 12-byte nonce per value, and the owner's id plus the
 * purpose as associated data, so a value copied to another row does not decrypt. The key is given
 * (base64) or read from a key file made on first start (0600). Each service produces its own from
 * its configuration.
 */
public final class SecretCipher {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private final SecureRandom random = new SecureRandom();
    private final SecretKey key;

    /** With {@code base64Key} when set, else the key in {@code keyFile}, made there on first start. */
    public SecretCipher(java.util.Optional<String> base64Key, Path keyFile) {
        this.key = new SecretKeySpec(loadKey(base64Key, keyFile), "AES");
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

    private static byte[] loadKey(java.util.Optional<String> base64Key, Path file) {
        if (base64Key.filter(k -> !k.isBlank()).isPresent()) {
            return check(Base64.getDecoder().decode(base64Key.get().trim()));
        }
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

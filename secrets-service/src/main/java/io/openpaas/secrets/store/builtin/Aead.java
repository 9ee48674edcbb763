package io.openpaas.secrets.store.builtin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as the built-in store uses it: a fresh 12-byte nonce per encryption, stored in front
 * of the ciphertext, and associated data that names what the bytes belong to, so bytes moved to
 * another row, group, project or version do not decrypt.
 */
public final class Aead {

    static final int KEY_BYTES = 32;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aead() {
    }

    static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    static byte[] seal(byte[] key, String associated, byte[] plaintext) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens what {@link #seal} made; fails with {@link Tampered} when key, bytes or associated data differ. */
    static byte[] open(byte[] key, String associated, byte[] stored) {
        if (stored == null || stored.length < NONCE + TAG_BITS / 8) {
            throw new Tampered(associated);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, stored, 0, NONCE));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, NONCE, stored.length - NONCE);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Tampered(associated);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Stored bytes that do not decrypt as what they claim to be: altered, moved, or under another key. */
    public static final class Tampered extends RuntimeException {
        Tampered(String associated) {
            super("the stored ciphertext of " + associated + " does not decrypt: it was altered, belongs to another "
                    + "project, group or version, or was sealed under another key");
        }
    }
}

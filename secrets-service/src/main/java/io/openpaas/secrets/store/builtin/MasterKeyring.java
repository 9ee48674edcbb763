package io.openpaas.secrets.store.builtin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master keys the built-in store knows: the current one, which wraps every new data key, and
 * the previous ones, which only unwrap data keys not yet re-wrapped after a rotation. A key is
 * named by an id derived from it (an HMAC of a constant), so a data key records which master key
 * wrapped it without revealing anything of the key.
 */
public final class MasterKeyring {

    private final Map<String, byte[]> keys; // current first

    MasterKeyring(List<byte[]> keysCurrentFirst) {
        if (keysCurrentFirst.isEmpty()) {
            throw new IllegalArgumentException("a keyring needs a current key");
        }
        Map<String, byte[]> byId = new LinkedHashMap<>();
        for (byte[] key : keysCurrentFirst) {
            byId.putIfAbsent(idOf(key), key);
        }
        this.keys = byId;
    }

    /** Parses base64 keys, current first; fails with a message naming {@code source} when one is not 32 bytes. */
    static MasterKeyring parse(List<String> base64Keys, String source) {
        List<byte[]> keys = new ArrayList<>();
        for (String text : base64Keys) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the secrets master key in " + source + " is not base64");
            }
            if (key.length != Aead.KEY_BYTES) {
                throw new IllegalStateException("the secrets master key in " + source + " must be 32 bytes (AES-256), base64-encoded; it has "
                        + key.length);
            }
            keys.add(key);
        }
        return new MasterKeyring(keys);
    }

    public String currentId() {
        return keys.keySet().iterator().next();
    }

    byte[] current() {
        return keys.values().iterator().next();
    }

    boolean knows(String id) {
        return keys.containsKey(id);
    }

    List<String> ids() {
        return List.copyOf(keys.keySet());
    }

    /** Wraps a data key under the current master key; the associated data names the group. */
    byte[] wrap(byte[] dataKey, String associated) {
        return Aead.seal(current(), "data-key/" + associated, dataKey);
    }

    byte[] unwrap(String masterKeyId, byte[] wrapped, String associated) {
        byte[] master = keys.get(masterKeyId);
        if (master == null) {
            throw new UnknownMasterKey("the data key of " + associated + " is wrapped by master key " + masterKeyId
                    + ", which is not configured");
        }
        return Aead.open(master, "data-key/" + associated, wrapped);
    }

    /** This keyring with a new current key, the present ones kept as previous. */
    MasterKeyring rotatedTo(byte[] fresh) {
        List<byte[]> next = new ArrayList<>();
        next.add(fresh);
        next.addAll(keys.values());
        return new MasterKeyring(next);
    }

    /** Only the current key: what remains once no data key is wrapped by another. */
    MasterKeyring currentOnly() {
        return new MasterKeyring(List.of(current()));
    }

    List<String> encoded() {
        return keys.values().stream().map(k -> Base64.getEncoder().encodeToString(k)).toList();
    }

    static String idOf(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal("openpaas secrets master key id".getBytes(StandardCharsets.UTF_8));
            return "mk-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKeyring" + ids();
    }

    /** A data key wrapped by a key this ring does not hold (retired a moment ago, or never configured). */
    public static final class UnknownMasterKey extends IllegalStateException {
        UnknownMasterKey(String message) {
            super(message);
        }
    }
}

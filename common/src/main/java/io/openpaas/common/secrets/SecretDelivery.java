package io.openpaas.common.secrets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How secret values travel from secrets-service to the service that runs or builds with them
 * (docs/secrets.md): on demand, by a NATS request on {@link #SUBJECT} (outside {@code paas.>}, so
 * no stream, audit record or outside subscriber ever holds it), answered on the requester's own
 * reply inbox, encrypted for the requester.
 *
 * <p>The requester sends a fresh X25519 public key; secrets-service answers with its own fresh
 * X25519 public key and the values sealed with AES-256-GCM under a key derived (HKDF-SHA256) from
 * the two, with the request id as associated data. NATS sees only ciphertext, and a recorded reply
 * cannot be opened later: both private keys lived only for that request.
 */
public final class SecretDelivery {

    /** The request subject; only deploy-service and build-service may publish it, only secrets-service subscribes. */
    public static final String SUBJECT = "openpaas.secrets.resolve";
    private static final byte[] INFO = "openpaas secrets delivery v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretDelivery() {
    }

    /**
     * What a receiver asks for: the groups linked to one service of one project (all of them when
     * {@code groups} is null), and of their values only {@code keys} when given (a build asks for
     * its build secrets alone).
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String requestId, UUID projectId, UUID serviceId, List<String> groups, List<String> keys, String receiverKey) {
    }

    /** The answer: the sender's key and the sealed groups, or why there are none. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reply(String senderKey, String sealed, String error) {
    }

    /** One group's current values, in memory only; its toString shows keys, never values. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(String name, int version, Map<String, String> values, String store, String externalPath) {
        @Override
        public String toString() {
            return "Group[" + name + " v" + version + " keys=" + (values == null ? "[]" : values.keySet()) + "]";
        }
    }

    /** The sealed payload. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Groups(List<Group> groups) {
        @Override
        public String toString() {
            return "Groups" + groups;
        }
    }

    /** A fresh key pair for one request (the private half never leaves the requester's memory). */
    public static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available", e);
        }
    }

    public static Request request(UUID projectId, UUID serviceId, List<String> groups, KeyPair receiver) {
        return request(projectId, serviceId, groups, null, receiver);
    }

    public static Request request(UUID projectId, UUID serviceId, List<String> groups, List<String> keys, KeyPair receiver) {
        return new Request(UUID.randomUUID().toString(), projectId, serviceId, groups, keys,
                Base64.getEncoder().encodeToString(receiver.getPublic().getEncoded()));
    }

    /** secrets-service's side: seals {@code groups} for the request's receiver. */
    public static Reply seal(Request request, List<Group> groups, ObjectMapper mapper) {
        try {
            KeyPair sender = newKeyPair();
            byte[] key = derive(sender.getPrivate(), publicKey(request.receiverKey()), request.requestId());
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(request.requestId().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(mapper.writeValueAsBytes(new Groups(groups)));
            return new Reply(Base64.getEncoder().encodeToString(sender.getPublic().getEncoded()),
                    Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array()), null);
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("cannot seal secret values for the receiver: " + e.getClass().getSimpleName());
        }
    }

    /** The receiver's side: opens a reply to its own request, or fails with the reply's error. */
    public static List<Group> open(Reply reply, Request request, KeyPair receiver, ObjectMapper mapper) {
        if (reply.error() != null) {
            throw new DeliveryFailure("secrets-service refused: " + reply.error());
        }
        try {
            byte[] key = derive(receiver.getPrivate(), publicKey(reply.senderKey()), request.requestId());
            byte[] stored = Base64.getDecoder().decode(reply.sealed());
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, stored, 0, 12));
            cipher.updateAAD(request.requestId().getBytes(StandardCharsets.UTF_8));
            return mapper.readValue(cipher.doFinal(stored, 12, stored.length - 12), Groups.class).groups();
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new DeliveryFailure("the secrets reply does not open (" + e.getClass().getSimpleName() + "): not sealed for this request");
        }
    }

    private static PublicKey publicKey(String base64) throws GeneralSecurityException {
        return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** HKDF-SHA256 (RFC 5869) of the X25519 shared secret, salted with the request id. */
    private static byte[] derive(PrivateKey own, PublicKey other, String requestId) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(own);
        agreement.doPhase(other, true);
        byte[] shared = agreement.generateSecret();
        Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec(requestId.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] prk = extract.doFinal(shared);
        Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update(INFO);
        expand.update((byte) 1);
        return expand.doFinal(); // 32 bytes: one HKDF block is the AES-256 key
    }

    /** Secret values could not be had: the message says why, never what. */
    public static final class DeliveryFailure extends RuntimeException {
        public DeliveryFailure(String message) {
            super(message, null, false, false);
        }
    }
}

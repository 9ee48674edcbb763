package io.openpaas.project.auth.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The API token format {@code opaas_<prefix>_<secret>}: the prefix identifies the token (and is
 * safe to show and log), the secret carries 190 bits of entropy. A fast hash suffices for such
 * a secret; a slow password hash would only cost latency.
 */
public final class ApiTokens {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {
    }

    /** A new token and the parts stored of it. */
    public record Minted(String token, String prefix, String hash) {
    }

    /** A token's parts, read from the string a caller sent. */
    public record Parsed(String prefix, String hash) {
    }

    public static Minted mint() {
        String prefix = random(8);
        String token = "opaas_" + prefix + "_" + random(32);
        return new Minted(token, prefix, hash(token));
    }

    /** Takes a configured token (e.g. OPENPAAS_BOOTSTRAP_ADMIN_TOKEN) if it has the right form. */
    public static Optional<Parsed> parse(String token) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        String[] parts = token.split("_");
        if (parts.length != 3 || !parts[0].equals("opaas") || parts[1].length() < 4 || parts[1].length() > 16 || parts[2].length() < 16) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(parts[1], hash(token)));
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}

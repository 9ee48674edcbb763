package io.openpaas.build.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How GitHub, GitLab and Gitea/Forgejo sign and shape their push deliveries (docs/builds.md):
 * GitHub {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}; Gitea and Forgejo
 * {@code X-Gitea-Signature} / {@code X-Forgejo-Signature: <hex HMAC>} (they also send GitHub's
 * headers, so they are recognised first); GitLab {@code X-Gitlab-Token: <the secret>}. Every
 * comparison takes constant time.
 */
public final class WebhookProviders {

    private WebhookProviders() {
    }

    /** Which provider sent it, from its event header; 400 when none of them. */
    public static String provider(HttpHeaders headers) {
        if (header(headers, "X-Forgejo-Event") != null) {
            return "forgejo";
        }
        if (header(headers, "X-Gitea-Event") != null) {
            return "gitea";
        }
        if (header(headers, "X-Gitlab-Event") != null) {
            return "gitlab";
        }
        if (header(headers, "X-GitHub-Event") != null) {
            return "github";
        }
        throw new ProblemException(ProblemType.BAD_REQUEST, "not a push webhook from GitHub, GitLab, Gitea or Forgejo "
                + "(no X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event or X-Forgejo-Event header)");
    }

    /** Whether the delivery carries a valid signature (or token) for {@code secret}. */
    public static boolean verified(String provider, HttpHeaders headers, byte[] body, String secret) {
        return switch (provider) {
            case "github" -> matchesHex(strip(header(headers, "X-Hub-Signature-256"), "sha256="), hmac(secret, body));
            case "gitea" -> matchesHex(header(headers, "X-Gitea-Signature"), hmac(secret, body));
            case "forgejo" -> matchesHex(header(headers, "X-Forgejo-Signature") != null ? header(headers, "X-Forgejo-Signature")
                    : header(headers, "X-Gitea-Signature"), hmac(secret, body));
            case "gitlab" -> matchesExact(header(headers, "X-Gitlab-Token"), secret);
            default -> false;
        };
    }

    /** The delivery's event and, for a push, its branch and commit. Call only once it is verified. */
    public static Push parse(String provider, HttpHeaders headers, byte[] body, ObjectMapper mapper) {
        String event = switch (provider) {
            case "github" -> header(headers, "X-GitHub-Event");
            case "gitea" -> header(headers, "X-Gitea-Event");
            case "forgejo" -> header(headers, "X-Forgejo-Event");
            default -> header(headers, "X-Gitlab-Event");
        };
        String delivery = switch (provider) {
            case "github" -> header(headers, "X-GitHub-Delivery");
            case "gitea" -> header(headers, "X-Gitea-Delivery");
            case "forgejo" -> header(headers, "X-Forgejo-Delivery") != null ? header(headers, "X-Forgejo-Delivery")
                    : header(headers, "X-Gitea-Delivery");
            default -> header(headers, "X-Gitlab-Event-UUID") != null ? header(headers, "X-Gitlab-Event-UUID")
                    : header(headers, "Idempotency-Key");
        };
        boolean push = "push".equals(event) || "Push Hook".equals(event);
        if (!push) {
            return new Push(provider, delivery, event, false, null, null);
        }
        JsonNode payload = json(headers, body, mapper);
        String ref = payload.path("ref").asText("");
        String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
        String after = payload.path("after").isTextual() ? payload.path("after").asText() : payload.path("checkout_sha").asText(null);
        return new Push(provider, delivery, event, true, branch, after);
    }

    /** GitHub may send the payload form-encoded ({@code payload=<json>}); the others send JSON. */
    private static JsonNode json(HttpHeaders headers, byte[] body, ObjectMapper mapper) {
        String text = new String(body, StandardCharsets.UTF_8);
        String type = header(headers, HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : text.split("&")) {
                if (pair.startsWith("payload=")) {
                    text = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IOException("not an object");
            }
            return node;
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the push payload is not a JSON object");
        }
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Hex signatures compare case-insensitively, tokens exactly; both in constant time. */
    private static boolean matchesHex(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean matchesExact(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static String strip(String value, String prefix) {
        return value != null && value.startsWith(prefix) ? value.substring(prefix.length()) : null;
    }

    private static String header(HttpHeaders headers, String name) {
        String value = headers.getHeaderString(name);
        return value == null || value.isBlank() ? null : value;
    }
}

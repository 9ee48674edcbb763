package io.openpaas.common.api;

import io.openpaas.common.json.Json;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} for creating POSTs: the first request with a key runs and its answer
 * is stored in the same transaction; a retry with the same key and body gets that answer back
 * without creating anything; the same key with another body is refused. Must run inside the
 * caller's transaction. Keys are scoped to the caller.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";

    private final Json json;

    public Idempotency(Json json) {
        this.json = json;
    }

    /** The outcome, and whether it was replayed from an earlier request. */
    public record Outcome<T>(T value, boolean replayed) {
    }

    public <T> Uni<Outcome<T>> once(String key, String caller, Object request, Class<T> type, Supplier<Uni<T>> work) {
        if (key == null) {
            return work.get().map(v -> new Outcome<>(v, false));
        }
        if (key.isBlank() || key.length() > 200) {
            throw ProblemException.invalidField(HEADER, "must be 1 to 200 characters");
        }
        String hash = hash(request);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select request_hash, response from idempotency_keys where caller = :caller and key = :key", Object[].class)
                .setParameter("caller", caller)
                .setParameter("key", key)
                .getResultList()
                .chain(rows -> {
                    if (!rows.isEmpty()) {
                        return replay(rows, hash, type);
                    }
                    return work.get().call(value -> session
                            .createNativeQuery("insert into idempotency_keys (caller, key, request_hash, response) values (:caller, :key, :hash, :response)")
                            .setParameter("caller", caller)
                            .setParameter("key", key)
                            .setParameter("hash", hash)
                            .setParameter("response", json.write(value))
                            .executeUpdate())
                            .map(v -> new Outcome<>(v, false));
                }));
    }

    private <T> Uni<Outcome<T>> replay(List<Object[]> rows, String hash, Class<T> type) {
        Object[] row = rows.get(0);
        if (!hash.equals(row[0])) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was already used with a different request body; use a new key");
        }
        return Uni.createFrom().item(new Outcome<>(json.read((String) row[1], type), true));
    }

    private String hash(Object request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.write(request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

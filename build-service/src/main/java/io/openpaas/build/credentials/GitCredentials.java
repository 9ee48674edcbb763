package io.openpaas.build.credentials;

import io.openpaas.common.crypto.SecretCipher;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Stores each service's Git credential encrypted ({@link SecretCipher}): written in the caller's
 * transaction, described without its secret, and decrypted only for a build.
 */
@ApplicationScoped
public class GitCredentials {

    static final String PURPOSE = "git-credential";
    private final Pool pool;
    private final SecretCipher cipher;

    public GitCredentials(Pool pool, SecretCipher cipher) {
        this.pool = pool;
        this.cipher = cipher;
    }

    /** Sets the credential in the caller's transaction. */
    public Uni<Void> put(UUID serviceId, GitCredential credential, Instant at) {
        byte[] sealed = cipher.encrypt(serviceId, PURPOSE, credential.secret());
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "insert into git_credentials (service_id, kind, username, ciphertext, updated_at) values (:id, :kind, :user, :sealed, :at) "
                        + "on conflict (service_id) do update set kind = excluded.kind, username = excluded.username, "
                        + "ciphertext = excluded.ciphertext, updated_at = excluded.updated_at")
                .setParameter("id", serviceId).setParameter("kind", credential.kind()).setParameter("user", credential.username())
                .setParameter("sealed", sealed).setParameter("at", at)
                .executeUpdate()).replaceWithVoid();
    }

    /** Removes it in the caller's transaction; answers whether there was one. */
    public Uni<Boolean> delete(UUID serviceId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("delete from git_credentials where service_id = :id")
                .setParameter("id", serviceId).executeUpdate()).map(n -> n > 0);
    }

    /** What may be shown of it: kind, user name and when it was set, never the secret. */
    public Uni<CredentialView> describe(UUID serviceId) {
        return pool.preparedQuery("select kind, username, updated_at from git_credentials where service_id = $1")
                .execute(Tuple.of(serviceId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new CredentialView(row.getString(0), row.getString(1), row.getOffsetDateTime(2).toInstant());
                });
    }

    public Uni<GitCredential> find(UUID serviceId) {
        return pool.preparedQuery("select kind, username, ciphertext from git_credentials where service_id = $1")
                .execute(Tuple.of(serviceId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    String secret = cipher.decrypt(serviceId, PURPOSE, row.getBuffer("ciphertext").getBytes());
                    return new GitCredential(row.getString("kind"), row.getString("username"), secret);
                });
    }

    /** A credential as the API shows it. */
    public record CredentialView(String type, String username, Instant updatedAt) {
    }
}

package io.openpaas.build.credentials;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Stores each service's Git credential encrypted ({@link SecretCipher}) and gives it back only to builds. */
@ApplicationScoped
public class GitCredentials {

    static final String PURPOSE = "git-credential";
    private final Pool pool;
    private final SecretCipher cipher;

    public GitCredentials(Pool pool, SecretCipher cipher) {
        this.pool = pool;
        this.cipher = cipher;
    }

    public Uni<Void> put(UUID serviceId, GitCredential credential) {
        byte[] sealed = cipher.encrypt(serviceId, PURPOSE, credential.secret());
        return pool.preparedQuery("insert into git_credentials (service_id, kind, username, ciphertext, updated_at) values ($1, $2, $3, $4, $5) "
                + "on conflict (service_id) do update set kind = excluded.kind, username = excluded.username, "
                + "ciphertext = excluded.ciphertext, updated_at = excluded.updated_at")
                .execute(Tuple.of(serviceId, credential.kind(), credential.username(), io.vertx.mutiny.core.buffer.Buffer.buffer(sealed),
                        OffsetDateTime.now(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** Whether it was there. */
    public Uni<Boolean> delete(UUID serviceId) {
        return pool.preparedQuery("delete from git_credentials where service_id = $1").execute(Tuple.of(serviceId))
                .map(rows -> rows.rowCount() > 0);
    }

    /** What the API may show of it: kind, user name and when it was set, never the secret. */
    public Uni<Row> describe(UUID serviceId) {
        return pool.preparedQuery("select kind, username, updated_at from git_credentials where service_id = $1")
                .execute(Tuple.of(serviceId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
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
}

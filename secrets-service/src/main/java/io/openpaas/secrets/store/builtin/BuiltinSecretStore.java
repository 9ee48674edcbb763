package io.openpaas.secrets.store.builtin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.openpaas.common.json.Json;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.secrets.store.SecretStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded default: envelope encryption in the service's own schema. Each group has a data
 * key (AES-256), wrapped by the master key; each version's values are one JSON object sealed with
 * the data key, with project, group and version as associated data, under a fresh nonce.
 */
public class BuiltinSecretStore implements SecretStore {

    private static final TypeReference<TreeMap<String, String>> VALUES = new TypeReference<>() {
    };
    private final MasterKeys masterKeys;
    private final Pool pool;
    private final Json json;

    public BuiltinSecretStore(MasterKeys masterKeys, Pool pool, Json json) {
        this.masterKeys = masterKeys;
        this.pool = pool;
        this.json = json;
    }

    @Override
    public String kind() {
        return "builtin";
    }

    @Override
    public Uni<Integer> write(GroupRef group, int expectedVersion, Map<String, String> values) {
        int version = expectedVersion + 1;
        byte[] plaintext = json.write(new TreeMap<>(values)).getBytes(StandardCharsets.UTF_8);
        return Panache.getSession().chain(session -> dataKeyForWrite(group, expectedVersion == 0)
                .chain(dataKey -> session.createNativeQuery("insert into secret_values (group_id, version, ciphertext) values (:id, :v, :c)")
                        .setParameter("id", group.id()).setParameter("v", version)
                        .setParameter("c", Aead.seal(dataKey, group.versionLabel(version), plaintext))
                        .executeUpdate()))
                .replaceWith(version);
    }

    /** A new group's data key is made and stored; an existing one is read under a share lock, so a re-wrap waits for this write. */
    private Uni<byte[]> dataKeyForWrite(GroupRef group, boolean fresh) {
        return Panache.getSession().chain(session -> {
            if (fresh) {
                byte[] dataKey = Aead.newKey();
                MasterKeyring ring = masterKeys.ring();
                return session.createNativeQuery("insert into data_keys (group_id, master_key_id, wrapped) values (:id, :mk, :w)")
                        .setParameter("id", group.id()).setParameter("mk", ring.currentId())
                        .setParameter("w", ring.wrap(dataKey, group.label()))
                        .executeUpdate()
                        .invoke(() -> masterKeys.checkStillKnown(ring.currentId()))
                        .replaceWith(dataKey);
            }
            return session.createNativeQuery("select master_key_id, wrapped from data_keys where group_id = :id for share", Object[].class)
                    .setParameter("id", group.id()).getSingleResultOrNull()
                    .map(row -> {
                        if (row == null) {
                            throw new IllegalStateException("the data key of " + group.label() + " is missing");
                        }
                        return masterKeys.ring().unwrap((String) row[0], (byte[]) row[1], group.label());
                    });
        });
    }

    @Override
    public Uni<Map<String, String>> read(GroupRef group, int version) {
        // a data key read just before a rotation retired its master key has been re-wrapped since: read it again
        return readOnce(group, version).onFailure(MasterKeyring.UnknownMasterKey.class).retry().atMost(1);
    }

    private Uni<Map<String, String>> readOnce(GroupRef group, int version) {
        return pool.preparedQuery("select k.master_key_id, k.wrapped, v.ciphertext from secret_values v join data_keys k on k.group_id = v.group_id "
                + "where v.group_id = $1 and v.version = $2")
                .execute(Tuple.of(group.id(), version))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("version of secret group " + group.name(), version);
                    }
                    Row row = rows.iterator().next();
                    try {
                        byte[] dataKey = masterKeys.ring().unwrap(row.getString(0), row.getBuffer(1).getBytes(), group.label());
                        byte[] plain = Aead.open(dataKey, group.versionLabel(version), row.getBuffer(2).getBytes());
                        return (Map<String, String>) json.read(new String(plain, StandardCharsets.UTF_8), VALUES);
                    } catch (Aead.Tampered e) {
                        throw new ProblemException(ProblemType.INTERNAL, e.getMessage());
                    }
                });
    }

    @Override
    public Uni<Void> delete(GroupRef group) {
        // the rows go with the group (on delete cascade); without its data key no copy of a value decrypts
        return Uni.createFrom().voidItem();
    }
}

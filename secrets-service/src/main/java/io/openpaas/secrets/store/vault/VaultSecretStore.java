package io.openpaas.secrets.store.vault;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.secrets.store.SecretStore;
import io.quarkus.vault.client.VaultClient;
import io.quarkus.vault.client.VaultClientException;
import io.quarkus.vault.client.api.secrets.kv2.VaultSecretsKV2;
import io.quarkus.vault.client.api.secrets.kv2.VaultSecretsKV2UpdateSecretOptions;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values in Vault's KV v2 engine (through quarkus-vault's client), one secret per group at
 * {@code <mount>/data/<prefix>/<project>/<group>}: Vault's versions are the group's versions,
 * every write is check-and-set against the version this service last wrote (a write made behind
 * its back answers 409), and a delete is Vault's soft delete of the versions, which an operator
 * can undelete.
 */
public class VaultSecretStore implements SecretStore {

    private final VaultSecretsKV2 kv;
    private final String mount;
    private final String prefix;

    public VaultSecretStore(VaultClient client, String mount, String prefix) {
        this.kv = client.secrets().kv2(mount);
        this.mount = mount;
        this.prefix = prefix;
    }

    @Override
    public String kind() {
        return "vault";
    }

    String path(GroupRef group) {
        return prefix + "/" + group.projectId() + "/" + group.name();
    }

    @Override
    public String externalPath(GroupRef group) {
        return mount + "/" + path(group);
    }

    @Override
    public Uni<Integer> write(GroupRef group, int expectedVersion, Map<String, String> values) {
        Map<String, Object> data = new LinkedHashMap<>(new TreeMap<>(values));
        Uni<Integer> cas = expectedVersion > 0 ? Uni.createFrom().item(expectedVersion) : currentVersion(group);
        // with check-and-set the new version is the one after cas (the client does not map Vault's write answer onto a version)
        return cas.chain(version -> call("write", () -> kv.updateSecret(path(group), new VaultSecretsKV2UpdateSecretOptions().setCas(version), data))
                .replaceWith(version + 1));
    }

    /**
     * A new group may find versions a deleted group of the same name left behind (soft-deleted):
     * it continues after them, since check-and-set 0 only creates.
     */
    private Uni<Integer> currentVersion(GroupRef group) {
        return call("read metadata", () -> kv.readSecretMetadata(path(group)))
                .map(meta -> meta.getCurrentVersion() == null ? 0 : meta.getCurrentVersion())
                .onFailure(e -> e instanceof ProblemException p && p.type() == ProblemType.NOT_FOUND).recoverWithItem(0);
    }

    @Override
    public Uni<Map<String, String>> read(GroupRef group, int version) {
        return call("read", () -> kv.readSecret(path(group), version)).map(read -> {
            Map<String, String> values = new TreeMap<>();
            if (read.getData() != null) {
                read.getData().forEach((k, v) -> values.put(k, String.valueOf(v)));
            }
            return values;
        });
    }

    @Override
    public Uni<Void> delete(GroupRef group) {
        return call("read metadata", () -> kv.readSecretMetadata(path(group))).chain(meta -> {
            java.util.List<Integer> versions = meta.getVersions() == null ? java.util.List.of()
                    : meta.getVersions().keySet().stream().map(Integer::valueOf).toList();
            return call("delete", () -> kv.deleteSecretVersions(path(group), versions));
        }).onFailure(e -> e instanceof ProblemException p && p.type() == ProblemType.NOT_FOUND).recoverWithNull().replaceWithVoid();
    }

    @Override
    public Uni<Void> purge(GroupRef group) {
        return call("delete metadata", () -> kv.deleteSecretMetadata(path(group)))
                .onFailure(e -> e instanceof ProblemException p && p.type() == ProblemType.NOT_FOUND).recoverWithNull().replaceWithVoid();
    }

    /** Runs a Vault call, answering its refusals as problems that name the operation and status, never a value. */
    private <T> Uni<T> call(String operation, java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> request) {
        return Uni.createFrom().completionStage(request).onFailure().transform(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof VaultClientException v && v.getStatus() != null) {
                int status = v.getStatus();
                if (status == 404) {
                    return new ProblemException(ProblemType.NOT_FOUND, "Vault has no such secret or version");
                }
                if (status == 400 && v.hasErrorContaining("check-and-set")) {
                    return ProblemException.conflict("the group was changed in Vault since OpenPaaS last wrote it (check-and-set failed); "
                            + "read it and write again");
                }
                if (status == 401 || status == 403) {
                    return new ProblemException(ProblemType.BAD_GATEWAY, "Vault refused the " + operation + " (" + status
                            + "): the configured token lacks the permission or has expired");
                }
                return new ProblemException(ProblemType.BAD_GATEWAY, "Vault failed the " + operation + " with status " + status);
            }
            return new ProblemException(ProblemType.BAD_GATEWAY, "Vault did not answer the " + operation + ": " + cause.getClass().getSimpleName());
        });
    }
}

package io.openpaas.secrets.store;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;

/**
 * Where the values of secret groups are kept (docs/secrets.md): the built-in encrypted store in
 * the service's schema, or Vault's KV v2. What the API shows about a group (keys, versions,
 * links) is kept by the service itself whatever the store; a store only holds values by version.
 */
public interface SecretStore {

    /** {@code builtin} or {@code vault}. */
    String kind();

    /**
     * Stores the next version of a group, given the version the caller read ({@code 0}: the group
     * is new), and answers the number the store gave it. Runs in the caller's transaction where
     * the store is the database.
     */
    Uni<Integer> write(GroupRef group, int expectedVersion, Map<String, String> values);

    /** The values of one version. */
    Uni<Map<String, String>> read(GroupRef group, int version);

    /** Removes the group's values (the built-in store drops its data key; Vault keeps its versions, soft-deleted). */
    Uni<Void> delete(GroupRef group);

    /** Removes every trace of the group's values, for a deleted project (Vault: its versions destroyed and its metadata deleted). */
    default Uni<Void> purge(GroupRef group) {
        return delete(group);
    }

    /** Where a cluster's secret operator finds the group, or null when the store has no such address (docs/secrets.md). */
    default String externalPath(GroupRef group) {
        return null;
    }

    /** A group as a store knows it: its id, project and name (what its values are bound to). */
    record GroupRef(UUID id, UUID projectId, String name) {

        /** Associated data of one version's values: project, group and version. */
        public String versionLabel(int version) {
            return projectId + "/" + name + "/v" + version;
        }

        public String label() {
            return projectId + "/" + name;
        }
    }
}

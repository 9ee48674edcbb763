package io.openpaas.secrets.groups;

import io.openpaas.secrets.groups.api.SecretGroupView;
import io.openpaas.secrets.store.SecretStore.GroupRef;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored secret group's metadata (docs/secrets.md): never its values. */
public record SecretGroup(UUID id, UUID projectId, String name, int version, List<String> keys, List<UUID> services, String store,
        Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    public GroupRef ref() {
        return new GroupRef(id, projectId, name);
    }

    public SecretGroupView view() {
        return new SecretGroupView(projectId, name, keys, version, services, store, createdAt, createdBy, updatedAt, updatedBy, null);
    }
}

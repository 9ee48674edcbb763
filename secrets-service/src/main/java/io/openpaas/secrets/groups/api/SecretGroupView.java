package io.openpaas.secrets.groups.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A secret group as the API shows it: names, keys, version and links; {@code data} only on an owner's reveal. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretGroupView(UUID projectId, String name, List<String> keys, int version, List<UUID> services, String store,
        Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, Map<String, String> data) {

    /** This group showing one version's values (and that version's number and keys). */
    public SecretGroupView revealing(int revealedVersion, Map<String, String> values) {
        return new SecretGroupView(projectId, name, List.copyOf(values.keySet()), revealedVersion, services, store, createdAt, createdBy,
                updatedAt, updatedBy, values);
    }

    @Override
    public String toString() {
        return "SecretGroupView[" + projectId + "/" + name + " v" + version + " keys=" + keys + (data == null ? "" : " data=****") + "]";
    }
}

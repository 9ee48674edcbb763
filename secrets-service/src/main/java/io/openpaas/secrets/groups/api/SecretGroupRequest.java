package io.openpaas.secrets.groups.api;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code PUT …/secrets/{group}}: the whole group, replacing what was there as a new version, and
 * the services that get its keys as environment variables. Values never appear in its toString.
 */
public record SecretGroupRequest(@NotNull Map<String, String> data, List<UUID> services) {

    @Override
    public String toString() {
        return "SecretGroupRequest[keys=" + (data == null ? null : data.keySet()) + ", services=" + services + "]";
    }
}

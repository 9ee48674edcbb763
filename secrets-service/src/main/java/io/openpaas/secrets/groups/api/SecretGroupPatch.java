package io.openpaas.secrets.groups.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code PATCH …/secrets/{group}}: JSON merge-patch of the keys ({@code "KEY": "value"} sets,
 * {@code "KEY": null} unsets) and, when present, the linked services replaced.
 */
public record SecretGroupPatch(Map<String, String> data, List<UUID> services) {

    @Override
    public String toString() {
        return "SecretGroupPatch[keys=" + (data == null ? null : data.keySet()) + ", services=" + services + "]";
    }
}

package io.openpaas.secrets.groups.service;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.secrets.config.SecretsConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** What a secret group may hold: names, key names, sizes and counts (docs/secrets.md). Messages name keys, never values. */
final class SecretRules {

    static final Pattern GROUP = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$");
    /** Environment variable names as POSIX shells and Kubernetes accept them. */
    static final Pattern KEY = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
    static final int MAX_SERVICES = 50;

    private SecretRules() {
    }

    static void group(String name) {
        if (name == null || !GROUP.matcher(name).matches()) {
            throw ProblemException.invalidField("group", "must be 1-32 lowercase letters, digits and '-', starting and ending with a "
                    + "letter or digit");
        }
        if (name.equals("tls")) { // <service>-tls is the Ingress certificate's Secret on a cluster
            throw ProblemException.invalidField("group", "'tls' is reserved");
        }
    }

    static void values(Map<String, String> data, SecretsConfig limits) {
        if (data.isEmpty()) {
            throw ProblemException.invalidField("data", "must hold at least one key (delete the group to remove them all)");
        }
        if (data.size() > limits.maxKeys()) {
            throw ProblemException.invalidField("data", "holds " + data.size() + " keys; a group holds at most " + limits.maxKeys());
        }
        long total = 0;
        for (Map.Entry<String, String> entry : data.entrySet()) {
            if (!KEY.matcher(entry.getKey()).matches()) {
                throw ProblemException.invalidField("data", "key '" + printable(entry.getKey()) + "' is not an environment variable name "
                        + "(letters, digits and '_', not starting with a digit, at most 128)");
            }
            if (entry.getValue() == null) {
                throw ProblemException.invalidField("data." + entry.getKey(), "must be a string");
            }
            int bytes = entry.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limits.maxValueBytes()) {
                throw ProblemException.invalidField("data." + entry.getKey(), "is " + bytes + " bytes; a value holds at most "
                        + limits.maxValueBytes());
            }
            total += bytes + entry.getKey().length();
        }
        if (total > limits.maxGroupBytes()) {
            throw ProblemException.invalidField("data", "holds " + total + " bytes; a group holds at most " + limits.maxGroupBytes());
        }
    }

    static List<UUID> services(List<UUID> services) {
        if (services == null) {
            return List.of();
        }
        if (services.stream().anyMatch(java.util.Objects::isNull)) {
            throw ProblemException.invalidField("services", "must list service ids");
        }
        List<UUID> distinct = services.stream().distinct().sorted().toList();
        if (distinct.size() > MAX_SERVICES) {
            throw ProblemException.invalidField("services", "a group links at most " + MAX_SERVICES + " services");
        }
        return distinct;
    }

    /** A key name as it may appear in an error: cut short and without control characters. */
    private static String printable(String key) {
        String shown = key.length() > 40 ? key.substring(0, 40) + "…" : key;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}

package io.openpaas.deploy.targets;

import io.openpaas.common.secrets.SecretDelivery;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a service's linked secret groups for one rollout, fetched from secrets-service
 * when the rollout starts and held only in memory (never stored, logged or rendered where it
 * could be read: its toString names groups and versions only). Groups apply in name order, so
 * a key in two groups takes the value of the group whose name sorts last.
 */
public final class ResolvedSecrets {

    public static final ResolvedSecrets NONE = new ResolvedSecrets(List.of());
    private final List<SecretDelivery.Group> groups;

    public ResolvedSecrets(List<SecretDelivery.Group> groups) {
        this.groups = groups.stream().sorted(Comparator.comparing(SecretDelivery.Group::name)).toList();
    }

    public List<SecretDelivery.Group> groups() {
        return groups;
    }

    public List<String> names() {
        return groups.stream().map(SecretDelivery.Group::name).toList();
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** Every key of every group, as the environment a replica gets on top of the service's own. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        groups.forEach(g -> env.putAll(g.values()));
        return env;
    }

    /**
     * Names and versions only: what changes when a value changes, to roll pods, without putting
     * a hash of a value (which could be guessed offline) anywhere.
     */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            groups.forEach(g -> digest.update((g.name() + "@" + g.version() + ";").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ResolvedSecrets" + groups.stream().map(g -> g.name() + "@v" + g.version()).toList();
    }
}

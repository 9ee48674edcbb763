package io.openpaas.secrets.groups.repository;

import io.openpaas.secrets.groups.SecretGroup;
import io.openpaas.secrets.groups.api.SecretVersionView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Queries of secret groups and their versions: reads on the pool, writes in the caller's transaction. */
@ApplicationScoped
public class SecretGroupRepository {

    private static final String COLUMNS = "id, project_id, name, version, keys, services, store, created_at, created_by, updated_at, updated_by";
    private final Pool pool;

    public SecretGroupRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<SecretGroup> find(UUID projectId, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from secret_groups where project_id = $1 and name = $2")
                .execute(Tuple.of(projectId, name))
                .map(rows -> rows.size() == 0 ? null : group(rows.iterator().next()));
    }

    /** The group locked for this write transaction, or null. */
    public Uni<SecretGroup> lock(UUID projectId, String name) {
        return Panache.getSession().chain(s -> s.createNativeQuery("select " + COLUMNS.replace("keys", "array_to_string(keys, ',')")
                .replace("services", "array_to_string(services, ',')") + " from secret_groups where project_id = :p and name = :n for update",
                Object[].class).setParameter("p", projectId).setParameter("n", name).getSingleResultOrNull())
                .map(row -> row == null ? null : group(row));
    }

    public Uni<List<SecretGroup>> page(UUID projectId, String after, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from secret_groups where project_id = $1 and name > $2 order by name limit $3")
                .execute(Tuple.of(projectId, after == null ? "" : after, limit))
                .map(rows -> {
                    List<SecretGroup> groups = new ArrayList<>();
                    rows.forEach(r -> groups.add(group(r)));
                    return groups;
                });
    }

    public Uni<Long> count(UUID projectId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("select count(*) from secret_groups where project_id = :p", Long.class)
                .setParameter("p", projectId).getSingleResult());
    }

    public Uni<List<SecretVersionView>> versions(UUID groupId, Integer before, int limit) {
        return pool.preparedQuery("select version, keys, created_at, created_by from secret_versions where group_id = $1 and version < $2 "
                + "order by version desc limit $3")
                .execute(Tuple.of(groupId, before == null ? Integer.MAX_VALUE : before, limit))
                .map(rows -> {
                    List<SecretVersionView> versions = new ArrayList<>();
                    for (Row r : rows) {
                        versions.add(new SecretVersionView(r.getInteger(0), Arrays.asList(r.getArrayOfStrings(1)),
                                r.getOffsetDateTime(2).toInstant(), r.getString(3)));
                    }
                    return versions;
                });
    }

    public Uni<Boolean> versionExists(UUID groupId, int version) {
        return pool.preparedQuery("select 1 from secret_versions where group_id = $1 and version = $2").execute(Tuple.of(groupId, version))
                .map(rows -> rows.size() > 0);
    }

    /** Inserts or updates the group row and records the version, in the caller's transaction. */
    public Uni<Void> save(SecretGroup g, boolean created) {
        String upsert = created
                ? "insert into secret_groups (" + COLUMNS + ") values (:id, :p, :n, :v, string_to_array(:keys, ','), cast(string_to_array(:services, ',') as uuid[]), :store, "
                        + ":ca, :cb, :ua, :ub)"
                : "update secret_groups set version = :v, keys = string_to_array(:keys, ','), services = cast(string_to_array(:services, ',') as uuid[]), updated_at = :ua, "
                        + "updated_by = :ub where id = :id";
        return Panache.getSession().chain(s -> {
            var q = s.createNativeQuery(upsert).setParameter("id", g.id()).setParameter("v", g.version())
                    .setParameter("keys", array(g.keys())).setParameter("services", array(g.services().stream().map(UUID::toString).toList()))
                    .setParameter("ua", g.updatedAt()).setParameter("ub", g.updatedBy());
            if (created) {
                q.setParameter("p", g.projectId()).setParameter("n", g.name()).setParameter("store", g.store())
                        .setParameter("ca", g.createdAt()).setParameter("cb", g.createdBy());
            }
            return q.executeUpdate();
        }).chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                "insert into secret_versions (group_id, version, keys, created_at, created_by) values (:id, :v, string_to_array(:keys, ','), :at, :by)")
                .setParameter("id", g.id()).setParameter("v", g.version()).setParameter("keys", array(g.keys()))
                .setParameter("at", g.updatedAt()).setParameter("by", g.updatedBy()).executeUpdate())).replaceWithVoid();
    }

    public Uni<Void> delete(UUID groupId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("delete from secret_groups where id = :id").setParameter("id", groupId)
                .executeUpdate()).replaceWithVoid();
    }

    /** Every group of a project, in the caller's transaction. */
    public Uni<List<SecretGroup>> ofProject(UUID projectId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("select " + COLUMNS.replace("keys", "array_to_string(keys, ',')")
                .replace("services", "array_to_string(services, ',')") + " from secret_groups where project_id = :p order by name for update",
                Object[].class).setParameter("p", projectId).getResultList())
                .map(rows -> rows.stream().map(SecretGroupRepository::group).toList());
    }

    /** Groups of a project that link a service (for delivery). */
    public Uni<List<SecretGroup>> linkedTo(UUID projectId, UUID serviceId) {
        return pool.preparedQuery("select " + COLUMNS + " from secret_groups where project_id = $1 and $2 = any(services) order by name")
                .execute(Tuple.of(projectId, serviceId))
                .map(rows -> {
                    List<SecretGroup> groups = new ArrayList<>();
                    rows.forEach(r -> groups.add(group(r)));
                    return groups;
                });
    }

    /** Comma-joined for {@code string_to_array}: key names and ids are validated before they get here (no commas). */
    private static String array(List<String> items) {
        return String.join(",", items);
    }

    private static SecretGroup group(Row r) {
        return new SecretGroup(r.getUUID("id"), r.getUUID("project_id"), r.getString("name"), r.getInteger("version"),
                Arrays.asList(r.getArrayOfStrings("keys")), Arrays.asList(r.getArrayOfUUIDs("services")), r.getString("store"),
                r.getOffsetDateTime("created_at").toInstant(), r.getString("created_by"), r.getOffsetDateTime("updated_at").toInstant(),
                r.getString("updated_by"));
    }

    private static SecretGroup group(Object[] r) {
        return new SecretGroup((UUID) r[0], (UUID) r[1], (String) r[2], ((Number) r[3]).intValue(), split((String) r[4]),
                split((String) r[5]).stream().map(UUID::fromString).toList(), (String) r[6], instant(r[7]), (String) r[8], instant(r[9]),
                (String) r[10]);
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        return ((java.time.LocalDateTime) value).toInstant(ZoneOffset.UTC);
    }
}

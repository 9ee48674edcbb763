package io.openpaas.secrets.groups.service;

import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.ETags;
import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Ids;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.CallerContext;
import io.openpaas.common.security.Roles;
import io.openpaas.secrets.config.SecretsConfig;
import io.openpaas.secrets.groups.SecretGroup;
import io.openpaas.secrets.groups.api.SecretGroupPatch;
import io.openpaas.secrets.groups.api.SecretGroupRequest;
import io.openpaas.secrets.groups.api.SecretGroupView;
import io.openpaas.secrets.groups.api.SecretVersionView;
import io.openpaas.secrets.groups.repository.SecretGroupRepository;
import io.openpaas.secrets.services.ServiceDirectory;
import io.openpaas.secrets.store.SecretStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The rules of secret groups (docs/secrets.md): viewers see names, keys, versions and links;
 * developers write; owners delete and reveal values, and each reveal is an event, so it is in the
 * audit trail. Every change is a new version in the store and a {@code paas.secret.<project>.updated}
 * event with keys and version, never values, which deploy-service turns into rollouts of the
 * linked services.
 */
@ApplicationScoped
public class SecretGroupService {

    private final SecretGroupRepository groups;
    private final SecretStore store;
    private final ServiceDirectory services;
    private final ProjectAuthorizer authorizer;
    private final Outbox outbox;
    private final Transactions tx;
    private final SecretsConfig config;
    private final CallerContext callers;

    public SecretGroupService(SecretGroupRepository groups, SecretStore store, ServiceDirectory services, ProjectAuthorizer authorizer,
            Outbox outbox, Transactions tx, SecretsConfig config, CallerContext callers) {
        this.groups = groups;
        this.store = store;
        this.services = services;
        this.authorizer = authorizer;
        this.outbox = outbox;
        this.tx = tx;
        this.config = config;
        this.callers = callers;
    }

    /** What a write answered: the group, and whether it was created by it. */
    public record Written(SecretGroupView view, boolean created) {
    }

    public Uni<Written> put(Caller caller, UUID projectId, String name, SecretGroupRequest request, String ifMatch) {
        SecretRules.group(name);
        SecretRules.values(request.data(), config);
        // without "services" the links stay as they are: replacing values must not unlink (and roll) services
        List<UUID> linked = request.services() == null ? null : SecretRules.services(request.services());
        Map<String, String> values = new TreeMap<>(request.data());
        return authorizer.require(caller, projectId, Roles.DEVELOPER)
                .chain(() -> linked == null ? Uni.createFrom().voidItem() : services.requireInProject(projectId, linked))
                .chain(() -> tx.write(() -> groups.lock(projectId, name).chain(existing -> {
                    checkPrecondition(existing, ifMatch);
                    if (existing != null) {
                        return write(projectId, name, existing, values, linked == null ? existing.services() : linked);
                    }
                    return groups.count(projectId).chain(count -> {
                        if (count >= config.maxGroupsPerProject()) {
                            throw ProblemException.conflict("the project has " + count + " secret groups, the most it may have");
                        }
                        return write(projectId, name, null, values, linked == null ? List.of() : linked);
                    });
                })));
    }

    public Uni<SecretGroupView> patch(Caller caller, UUID projectId, String name, SecretGroupPatch patch, String ifMatch) {
        SecretRules.group(name);
        if (patch.data() == null && patch.services() == null) {
            throw new ProblemException(ProblemType.VALIDATION, "nothing to change: give 'data' (a key set to a string sets it, to null "
                    + "unsets it) and/or 'services'");
        }
        List<UUID> linked = patch.services() == null ? null : SecretRules.services(patch.services());
        return authorizer.require(caller, projectId, Roles.DEVELOPER)
                .chain(() -> linked == null ? Uni.createFrom().voidItem() : services.requireInProject(projectId, linked))
                .chain(() -> tx.write(() -> groups.lock(projectId, name).chain(existing -> {
                    if (existing == null) {
                        throw ProblemException.notFound("secret group", name);
                    }
                    ETags.checkIfMatch(ifMatch, existing.version());
                    return store.read(existing.ref(), existing.version()).chain(current -> {
                        Map<String, String> merged = new TreeMap<>(current);
                        if (patch.data() != null) {
                            patch.data().forEach((key, value) -> {
                                if (value == null) {
                                    merged.remove(key);
                                } else {
                                    merged.put(key, value);
                                }
                            });
                        }
                        SecretRules.values(merged, config);
                        return write(projectId, name, existing, merged, linked == null ? existing.services() : linked);
                    });
                }))).map(Written::view);
    }

    public Uni<Page<SecretGroupView>> list(Caller caller, UUID projectId, Integer limit, String cursor) {
        int size = Cursors.limit(limit);
        String after = cursor == null ? null : Cursors.decode(cursor);
        return authorizer.require(caller, projectId, Roles.VIEWER)
                .chain(() -> groups.page(projectId, after, size + 1))
                .map(rows -> Page.of(rows, size, SecretGroup::view, SecretGroup::name));
    }

    /** The group; with {@code reveal}, its values too (owners only), recorded as a {@code revealed} event before they are answered. */
    public Uni<SecretGroupView> get(Caller caller, UUID projectId, String name, boolean reveal, Integer version) {
        SecretRules.group(name);
        return authorizer.require(caller, projectId, reveal ? Roles.OWNER : Roles.VIEWER)
                .chain(() -> require(projectId, name))
                .chain(group -> {
                    if (!reveal) {
                        if (version != null) {
                            throw ProblemException.invalidField("version", "is only for reveal=true");
                        }
                        return Uni.createFrom().item(group.view());
                    }
                    int wanted = version == null ? group.version() : version;
                    return groups.versionExists(group.id(), wanted).chain(exists -> {
                        if (!exists) {
                            throw ProblemException.notFound("version of secret group " + name, wanted);
                        }
                        return store.read(group.ref(), wanted);
                    }).call(values -> tx.write(() -> outbox.append(Domain.SECRET, projectId, "revealed", group.id(),
                            revealed(group, wanted, values)))).map(values -> group.view().revealing(wanted, values));
                });
    }

    public Uni<Page<SecretVersionView>> versions(Caller caller, UUID projectId, String name, Integer limit, String cursor) {
        SecretRules.group(name);
        int size = Cursors.limit(limit);
        Integer before = cursor == null ? null : Cursors.decodeLong(cursor).intValue();
        return authorizer.require(caller, projectId, Roles.VIEWER)
                .chain(() -> require(projectId, name))
                .chain(group -> groups.versions(group.id(), before, size + 1))
                .map(rows -> Page.of(rows, size, v -> v, SecretVersionView::version));
    }

    public Uni<Void> delete(Caller caller, UUID projectId, String name, String ifMatch) {
        SecretRules.group(name);
        return authorizer.require(caller, projectId, Roles.OWNER)
                .chain(() -> tx.write(() -> groups.lock(projectId, name).chain(existing -> {
                    if (existing == null) {
                        throw ProblemException.notFound("secret group", name);
                    }
                    ETags.checkIfMatch(ifMatch, existing.version());
                    return remove(existing);
                })));
    }

    /**
     * A deleted project's groups go with it (values included), each announced as deleted: nobody
     * could reach them any more, and values must not outlive their project.
     */
    public Uni<Void> removeProject(UUID projectId) {
        return groups.ofProject(projectId).chain(all -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (SecretGroup group : all) {
                chain = chain.chain(() -> remove(group).chain(() -> store.purge(group.ref())));
            }
            return chain;
        });
    }

    /** Deletes a group and its values, announced with the services it was linked to (they roll without its keys); in the caller's transaction. */
    private Uni<Void> remove(SecretGroup existing) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("project_id", existing.projectId());
        data.put("group", existing.name());
        data.put("version", existing.version());
        data.put("services", existing.services());
        return groups.delete(existing.id())
                .chain(() -> outbox.append(Domain.SECRET, existing.projectId(), "deleted", existing.id(), data))
                .chain(() -> store.delete(existing.ref()));
    }

    private Uni<SecretGroup> require(UUID projectId, String name) {
        return groups.find(projectId, name).onItem().ifNull().failWith(() -> ProblemException.notFound("secret group", name));
    }

    private static void checkPrecondition(SecretGroup existing, String ifMatch) {
        if (existing != null) {
            ETags.checkIfMatch(ifMatch, existing.version());
        } else if (ifMatch != null && !ifMatch.isBlank()) {
            throw new ProblemException(ProblemType.PRECONDITION_FAILED, "the secret group does not exist, so no ETag can match");
        }
    }

    /** Stores the next version, saves the metadata and appends {@code updated}, in the caller's transaction. */
    private Uni<Written> write(UUID projectId, String name, SecretGroup existing, Map<String, String> values, List<UUID> linked) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String actor = callers.actor();
        SecretGroup base = existing != null ? existing
                : new SecretGroup(Ids.newId(), projectId, name, 0, List.of(), List.of(), store.kind(), now, actor, now, actor);
        return store.write(base.ref(), base.version(), values).chain(version -> {
            SecretGroup next = new SecretGroup(base.id(), projectId, name, version, List.copyOf(values.keySet()), linked, base.store(),
                    base.createdAt(), base.createdBy(), now, actor);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("project_id", projectId);
            data.put("group", name);
            data.put("version", version);
            data.put("keys", next.keys());
            data.put("services", linked);
            data.put("previous_services", base.services());
            data.put("store", next.store());
            String external = store.externalPath(next.ref());
            if (external != null) {
                data.put("external_path", external);
            }
            return groups.save(next, existing == null)
                    .chain(() -> outbox.append(Domain.SECRET, projectId, "updated", next.id(), data))
                    .replaceWith(new Written(next.view(), existing == null));
        });
    }

    private static Map<String, Object> revealed(SecretGroup group, int version, Map<String, String> values) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("project_id", group.projectId());
        data.put("group", group.name());
        data.put("version", version);
        data.put("keys", List.copyOf(values.keySet()));
        return data;
    }
}

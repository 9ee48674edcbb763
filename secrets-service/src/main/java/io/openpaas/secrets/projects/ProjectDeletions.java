package io.openpaas.secrets.projects;

import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.secrets.groups.service.SecretGroupService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/** On {@code paas.project.<id>.deleted}, the project's secret groups and their values are deleted too (docs/secrets.md). */
@ApplicationScoped
public class ProjectDeletions implements EventHandler {

    private final SecretGroupService groups;

    public ProjectDeletions(SecretGroupService groups) {
        this.groups = groups;
    }

    @Override
    public String name() {
        return "secrets-service-projects";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.PROJECT);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        if (!event.type().endsWith(".deleted") || event.projectId() == null) {
            return Uni.createFrom().voidItem();
        }
        return groups.removeProject(UUID.fromString(event.projectId()));
    }
}

package io.openpaas.deploy.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.openpaas.common.consumer.EventHandler;
import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.deploy.deployments.service.DeploymentRequests;
import io.openpaas.deploy.rollout.Rollouts;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/**
 * Records the image of every successful build ({@code paas.build.*.succeeded}) and, for a service
 * that deploys itself, queues its deployment in the same transaction: the same event delivered
 * twice makes one deployment (the inbox, and a unique index on the build).
 */
@ApplicationScoped
public class BuiltImagesProjector implements EventHandler {

    private final ServiceRuntimes services;
    private final DeploymentRequests deployments;
    private final Rollouts rollouts;

    public BuiltImagesProjector(ServiceRuntimes services, DeploymentRequests deployments, Rollouts rollouts) {
        this.services = services;
        this.deployments = deployments;
        this.rollouts = rollouts;
    }

    @Override
    public String name() {
        return "deploy-service-builds";
    }

    @Override
    public Set<Domain> domains() {
        return Set.of(Domain.BUILD);
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        if (event.type().endsWith(".succeeded")) {
            rollouts.wake();
        }
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        if (!event.type().endsWith(".succeeded")) {
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.data();
        UUID build = UUID.fromString(data.path("id").asText());
        UUID service = UUID.fromString(data.path("service_id").asText());
        String image = data.path("image").asText();
        return Panache.getSession().chain(session -> session.createNativeQuery("insert into built_images (build_id, service_id, project_id, "
                + "image, commit_sha, built_at) values (:build, :service, :project, :image, :sha, :at) on conflict do nothing")
                .setParameter("build", build).setParameter("service", service)
                .setParameter("project", UUID.fromString(data.path("project_id").asText())).setParameter("image", image)
                .setParameter("sha", data.path("commit_sha").asText(null)).setParameter("at", event.time()).executeUpdate())
                .chain(inserted -> inserted == 0 ? Uni.createFrom().voidItem() : services.find(service).chain(runtime ->
                        runtime == null || !runtime.autoDeploy() ? Uni.createFrom().voidItem()
                                : deployments.enqueue(runtime, image, build, "build", "system:deploy-service").replaceWithVoid()));
    }
}

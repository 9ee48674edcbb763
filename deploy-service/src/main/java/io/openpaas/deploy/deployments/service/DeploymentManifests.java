package io.openpaas.deploy.deployments.service;

import io.openpaas.common.security.Caller;
import io.openpaas.deploy.deployments.mapping.DeploymentMapper;
import io.openpaas.deploy.rollout.DeployTargets;
import io.openpaas.deploy.targets.kubernetes.KubernetesManifests;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The Kubernetes objects of a deployment, as its cluster's target renders them; a deployment to
 * {@code local} (or to a cluster since removed) shows what it would be on a cluster with the
 * default settings, so that a team can see what moving to a cluster applies.
 */
@ApplicationScoped
public class DeploymentManifests {

    private final DeploymentRequests requests;
    private final DeployTargets targets;
    private final DeploymentMapper mapper;

    public DeploymentManifests(DeploymentRequests requests, DeployTargets targets, DeploymentMapper mapper) {
        this.requests = requests;
        this.targets = targets;
        this.mapper = mapper;
    }

    @io.quarkus.hibernate.reactive.panache.common.WithSession
    public Uni<String> yaml(Caller caller, UUID id) {
        return requests.read(caller, id).chain(d -> targets.byName(d.cluster).onFailure(DeployTargets.UnknownCluster.class).recoverWithNull()
                .map(target -> {
                    var spec = mapper.spec(d);
                    String own = target == null ? null : target.manifests(spec);
                    return own != null ? own : KubernetesManifests.yaml(KubernetesManifests.render(spec, targets.defaultExposure()));
                }));
    }
}

package io.openpaas.deploy.deployments.mapping;

import io.openpaas.common.json.Json;
import io.openpaas.deploy.deployments.Deployment;
import io.openpaas.deploy.deployments.api.DeploymentView;
import io.openpaas.deploy.targets.WorkloadSpec;
import io.openpaas.deploy.targets.local.LocalTarget;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class DeploymentMapper {

    private final Json json;

    public DeploymentMapper(Json json) {
        this.json = json;
    }

    public DeploymentView toView(Deployment d) {
        WorkloadSpec spec = spec(d);
        // a cluster's hosts follow its own domain (GET .../manifests shows the Ingress)
        String url = "local".equals(d.cluster) && spec.ports().stream().anyMatch(WorkloadSpec.Port::exposed) ? "http://" + LocalTarget.host(spec) : null;
        return new DeploymentView(d.id, d.projectId, d.serviceId, d.state.name(), d.trigger, d.requestedBy, d.image, d.buildId, d.cluster, d.replicas,
                d.readyReplicas, d.failures, d.reason, url, d.createdAt, d.startedAt, d.finishedAt, "/api/v1/deployments/" + d.id);
    }

    public WorkloadSpec spec(Deployment d) {
        return json.read(d.spec, WorkloadSpec.class);
    }

    public String write(WorkloadSpec spec) {
        return json.write(spec);
    }
}

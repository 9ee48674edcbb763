package io.openpaas.deploy;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeployServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/deployments/" + java.util.UUID.randomUUID();
    }

    @Override
    protected boolean hasRbacMatrix() {
        return true; // DeploymentFlowTest
    }
}

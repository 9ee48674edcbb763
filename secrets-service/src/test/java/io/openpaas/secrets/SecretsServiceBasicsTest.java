package io.openpaas.secrets;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SecretsServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/projects/" + java.util.UUID.randomUUID() + "/secrets";
    }

    @Override
    protected boolean hasRbacMatrix() {
        return true; // SecretGroupsTest
    }
}

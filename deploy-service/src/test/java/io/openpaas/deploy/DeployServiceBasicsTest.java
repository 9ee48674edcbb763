package io.openpaas.deploy;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeployServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return null;
    }
}

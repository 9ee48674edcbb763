package io.openpaas.build;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BuildServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/builds/" + java.util.UUID.randomUUID();
    }

    @Override
    protected boolean hasRbacMatrix() {
        return true; // BuildApiTest
    }
}

package io.openpaas.build;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BuildServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return null;
    }
}

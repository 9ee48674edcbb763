package io.openpaas.project;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProjectServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/projects";
    }

    @Override
    protected boolean hasRbacMatrix() {
        return true; // RbacMatrixTest
    }
}

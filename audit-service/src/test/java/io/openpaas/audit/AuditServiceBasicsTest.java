package io.openpaas.audit;

import io.openpaas.common.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuditServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String apiPath() {
        return "/api/v1/audit";
    }

    @Override
    protected boolean hasRbacMatrix() {
        return true; // AuditAccessTest
    }
}

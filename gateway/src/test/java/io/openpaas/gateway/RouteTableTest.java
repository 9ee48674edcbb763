package io.openpaas.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.gateway.routing.RouteTable;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which service owns which path (docs/contracts.md), and which paths need no token. */
class RouteTableTest {

    static final RouteTable ROUTES = new RouteTable(new GatewayConfig() {
        public String projectUrl() { return "http://p:1"; }
        public String buildUrl() { return "http://b:2"; }
        public String deployUrl() { return "http://d:3"; }
        public String secretsUrl() { return "http://s:4"; }
        public String auditUrl() { return "http://a:5"; }
        public Duration upstreamTimeout() { return Duration.ofSeconds(1); }
        public Duration connectTimeout() { return Duration.ofSeconds(1); }
        public long maxBodySize() { return 1; }
        public int poolSize() { return 1; }
        public java.util.Optional<java.util.List<String>> corsOrigins() { return java.util.Optional.empty(); }
        public RateLimit rateLimit() { return null; }
        public Duration deniedAggregationWindow() { return Duration.ofSeconds(1); }
    });

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "/api/v1/auth/token, project-service, true",
        "/.well-known/jwks.json, project-service, true",
        "/api/v1/auth/keys/rotate, project-service, false",
        "/api/v1/users, project-service, false",
        "/api/v1/users/me, project-service, false",
        "/api/v1/tokens/abc, project-service, false",
        "/api/v1/projects, project-service, false",
        "/api/v1/projects/p1/members/u1, project-service, false",
        "/api/v1/projects/p1/services, project-service, false",
        "/api/v1/projects/p1/secrets, secrets-service, false",
        "/api/v1/projects/p1/secrets/db, secrets-service, false",
        "/api/v1/services/s1, project-service, false",
        "/api/v1/services/s1/builds, build-service, false",
        "/api/v1/builds/b1/logs, build-service, false",
        "/api/v1/services/s1/deployments, deploy-service, false",
        "/api/v1/services/s1/scale, deploy-service, false",
        "/api/v1/services/s1/rollback, deploy-service, false",
        "/api/v1/services/s1/status, deploy-service, false",
        "/api/v1/deployments/d1, deploy-service, false",
        "/api/v1/clusters, deploy-service, false",
        "/api/v1/audit, audit-service, false",
        "/api/v1/audit/verify, audit-service, false",
        "/api/v1/admin/dead-letters/project, project-service, false",
        "/api/v1/admin/dead-letters/build/4/replay, build-service, false",
        "/api/v1/admin/dead-letters/deploy, deploy-service, false",
        "/api/v1/admin/dead-letters/secrets/7, secrets-service, false",
        "/api/v1/admin/dead-letters/audit/3/replay, audit-service, false",
    })
    void routesEachPathToItsOwner(String path, String upstream, boolean open) {
        var rule = ROUTES.match(path).orElseThrow();
        assertEquals(upstream, rule.upstream().name());
        assertEquals(open, rule.open());
    }

    @ParameterizedTest
    @CsvSource({"/api/v1/nothing", "/api/v1/projectsx", "/api/v2/projects", "/api/v1/auth/token/extra", "/api/v1/admin/dead-letters/gateway", "/api/v1/admin/dead-letters"})
    void unknownPathsMatchNothing(String path) {
        assertTrue(ROUTES.match(path).isEmpty());
    }
}

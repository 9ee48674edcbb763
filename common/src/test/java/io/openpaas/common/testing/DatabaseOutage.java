package io.openpaas.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Puts a {@link CuttableProxy} between the service's reactive database client and PostgreSQL,
 * so a test can take the database away from the service (and only from it) and bring it back.
 * Migrations and the outbox relay (JDBC) still reach PostgreSQL directly. A message's own
 * failures are dead-lettered after two tries here, so an outage that dead-letters shows fast.
 */
public class DatabaseOutage implements QuarkusTestResourceLifecycleManager {

    private static volatile CuttableProxy proxy;

    public static CuttableProxy proxy() {
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        proxy = new CuttableProxy(Sql.host(), Sql.port());
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + proxy.port() + "/${openpaas.database.name}",
                "quarkus.datasource.reactive.idle-timeout", "PT1S",
                "openpaas.nats.max-deliver", "2",
                "openpaas.nats.retry-max-delay", "PT0.5S");
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }
}

package io.openpaas.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * A database of the test's own, made anew (dropped, then set up by deploy/postgres/init-db.sh)
 * before Quarkus starts: for tests whose subject is the whole database (archiving every old
 * record, the retention policy), so that they neither see nor leave anything another test or an
 * earlier run depends on. Its consumers get their own durable names and start from new events.
 * Pass the database name as the {@code name} init arg.
 */
public class FreshDatabase implements QuarkusTestResourceLifecycleManager {

    private String name = "openpaas_test_fresh";

    @Override
    public void init(Map<String, String> initArgs) {
        name = initArgs.getOrDefault("name", name);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
    }

    @Override
    public Map<String, String> start() {
        try (Connection c = DriverManager.getConnection(Sql.urlOf("postgres"), "postgres", "")) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + name, e);
        }
        try {
            Process p = new ProcessBuilder("bash", AsyncApiCatalogue.repositoryFile("deploy/postgres/init-db.sh").toString(), name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("init-db.sh " + name + " failed with " + p.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String suffix = "-" + name.replace('_', '-');
        forgetConsumers(suffix);
        return Map.of("openpaas.database.name", name,
                "openpaas.nats.durable-suffix", suffix,
                "openpaas.nats.deliver-new", "true");
    }

    @Override
    public void stop() {
        // kept for a post-mortem; the next run drops it first
    }

    /** Deletes the durable consumers an earlier run left, so this run starts at new events with an empty inbox. */
    private static void forgetConsumers(String suffix) {
        try (StreamProbe probe = new StreamProbe()) {
            var jsm = probe.connection().jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                for (String consumer : jsm.getConsumerNames(stream)) {
                    if (consumer.endsWith(suffix)) {
                        jsm.deleteConsumer(stream, consumer);
                    }
                }
            }
        } catch (IOException | io.nats.client.JetStreamApiException e) {
            throw new IllegalStateException("cannot remove the consumers of an earlier run", e);
        }
    }

}

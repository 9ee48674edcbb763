package io.openpaas.secrets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.openpaas.secrets.config.SecretsConfig;
import io.openpaas.secrets.store.builtin.MasterKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The master key: rotation while writes go on keeps every value readable; a wrong key refuses to start and changes nothing. */
@QuarkusTest
class MasterKeyTest {

    @Inject
    DataSource dataSource;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    SecretsConfig config;

    @Test
    void rotationUnderConcurrentWritesKeepsEveryValueReadableAndRetiresTheOldKey() throws Exception {
        SecretsFixtures.World w = SecretsFixtures.world();
        String dev = TestTokens.user(w.developer());
        ConcurrentHashMap<String, String> last = new ConcurrentHashMap<>();
        for (int i = 0; i < 5; i++) {
            SecretGroupsTest.put(dev, SecretGroupsTest.path(w, "g" + i), "{\"data\":{\"V\":\"before-" + i + "\"}}").then().statusCode(201);
            last.put("g" + i, "before-" + i);
        }
        String oldId = Sql.text("select master_key_id from secrets.data_keys limit 1");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread writer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                String group = "g" + (n % 8); // existing groups and new ones
                String value = "during-" + n;
                int status = SecretGroupsTest.put(dev, SecretGroupsTest.path(w, group), "{\"data\":{\"V\":\"" + value + "\"}}").statusCode();
                if (status == 200 || status == 201) {
                    last.put(group, value);
                    writes.incrementAndGet();
                } else if (status != 503) { // a write that met the key's retirement is refused whole and may be sent again
                    failures.add(group + ": " + status);
                }
                n++;
            }
        });
        writer.start();
        io.openpaas.common.testing.Await.until("writes going on", java.time.Duration.ofSeconds(30), () -> writes.get() >= 5);
        String newId = given().auth().oauth2(TestTokens.admin()).post("/api/v1/admin/secrets/master-key/rotate").then().statusCode(200)
                .body("retired", org.hamcrest.Matchers.hasItem(oldId)).extract().path("master_key_id");
        int atRotation = writes.get();
        io.openpaas.common.testing.Await.until("writes after the rotation", java.time.Duration.ofSeconds(30),
                () -> writes.get() >= atRotation + 5);
        stop.set(true);
        writer.join();
        assertEquals(List.of(), failures);
        assertFalse(newId.equals(oldId));
        assertEquals(0, Sql.count("select count(*) from secrets.data_keys where master_key_id <> ?", newId), "data keys left under an old key");
        List<String> lines = Files.readAllLines(Path.of(config.masterKeyFile())).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "the retired key is still in the key file");
        for (var entry : last.entrySet()) {
            given().auth().oauth2(TestTokens.user(w.owner())).get(SecretGroupsTest.path(w, entry.getKey()) + "?reveal=true").then()
                    .statusCode(200).body("data.V", equalTo(entry.getValue()));
        }
    }

    /**
     * A write holding a data key (for share) while the rotation ends: the last pass waits for it
     * instead of skipping its row, so no data key is left under the key that is retired.
     */
    @Test
    void theLastPassOfARotationWaitsForAWriteThatHoldsADataKey() throws Exception {
        SecretsFixtures.World w = SecretsFixtures.world();
        SecretGroupsTest.put(TestTokens.user(w.developer()), SecretGroupsTest.path(w, "held"), "{\"data\":{\"V\":\"held-value\"}}")
                .then().statusCode(201);
        String group = Sql.text("select cast(id as text) from secrets.secret_groups where project_id = cast(? as uuid) and name = 'held'",
                w.project());
        try (java.sql.Connection writer = java.sql.DriverManager.getConnection(Sql.url(), "postgres", "")) {
            writer.setAutoCommit(false);
            try (var st = writer.prepareStatement("select 1 from secrets.data_keys where group_id = cast(? as uuid) for share")) {
                st.setString(1, group);
                st.executeQuery().close();
            }
            java.util.concurrent.CompletableFuture<Integer> rotation = java.util.concurrent.CompletableFuture.supplyAsync(() -> given()
                    .auth().oauth2(TestTokens.admin()).post("/api/v1/admin/secrets/master-key/rotate").statusCode());
            io.openpaas.common.testing.Await.until("the rotation waiting for the write", java.time.Duration.ofSeconds(20), () -> Sql.count(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'lock table data_keys%'") == 1);
            assertFalse(rotation.isDone());
            writer.commit();
            assertEquals(200, rotation.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        String current = Sql.text("select master_key_id from secrets.data_keys where group_id = cast(? as uuid)", group);
        assertEquals(0, Sql.count("select count(*) from secrets.data_keys where master_key_id <> ?", current), "data keys under a retired key");
        given().auth().oauth2(TestTokens.user(w.owner())).get(SecretGroupsTest.path(w, "held") + "?reveal=true").then().statusCode(200)
                .body("data.V", equalTo("held-value"));
    }

    @Test
    void aWrongMasterKeyRefusesToStartAndChangesNothing() throws Exception {
        SecretsFixtures.World w = SecretsFixtures.world();
        SecretGroupsTest.put(TestTokens.user(w.developer()), SecretGroupsTest.path(w, "kept"), "{\"data\":{\"V\":\"x\"}}").then().statusCode(201);
        String before = Sql.text("select md5(string_agg(master_key_id || encode(wrapped, 'hex'), ',' order by group_id)) from secrets.data_keys");
        byte[] keyFile = Files.readAllBytes(Path.of(config.masterKeyFile()));
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new MasterKeys(
                configWith(Optional.of(Base64.getEncoder().encodeToString(wrong)), config.masterKeyFile()), pool, vertx).load(dataSource));
        assertTrue(refused.getMessage().contains("Refusing to start") && refused.getMessage().contains("nothing was changed"), refused.getMessage());

        // no key at all (a missing key file) while secrets are stored: refused, and no new key file is made
        Path missing = Path.of("target", "no-such-dir-" + System.nanoTime(), "secrets-master.key");
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> new MasterKeys(configWith(Optional.empty(), missing.toString()), pool, vertx).load(dataSource));
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        assertFalse(Files.exists(missing));

        // a key that is not 32 bytes
        assertThrows(IllegalStateException.class, () -> new MasterKeys(configWith(Optional.of("c2hvcnQ="), config.masterKeyFile()), pool, vertx)
                .load(dataSource));
        assertEquals(before, Sql.text("select md5(string_agg(master_key_id || encode(wrapped, 'hex'), ',' order by group_id)) from secrets.data_keys"));
        assertArrayEquals(keyFile, Files.readAllBytes(Path.of(config.masterKeyFile())));
    }

    private SecretsConfig configWith(Optional<String> masterKey, String keyFile) {
        return (SecretsConfig) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SecretsConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "masterKey" -> masterKey;
                    case "previousMasterKeys" -> Optional.empty();
                    case "masterKeyFile" -> keyFile;
                    default -> method.invoke(config, args);
                });
    }
}

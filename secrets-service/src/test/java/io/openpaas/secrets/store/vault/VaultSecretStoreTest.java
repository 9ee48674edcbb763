package io.openpaas.secrets.store.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.secrets.store.SecretStore.GroupRef;
import io.quarkus.vault.client.VaultClient;
import io.quarkus.vault.client.http.vertx.VertxVaultHttpClient;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The {@code vault} store against a stub of Vault's KV v2 HTTP API as documented (data and
 * metadata paths, check-and-set, versions, soft delete, 400 on a cas mismatch, 403 for a token
 * without the policy), and against a real Vault when {@code OPENPAAS_VAULT_URL} is set.
 */
class VaultSecretStoreTest {

    static final String TOKEN = "s.test-token";
    static WireMockServer vault;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vault = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        vault.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vault.stop();
        vertx.close();
    }

    static VaultSecretStore store(String url, String token) {
        VaultClient client = VaultClient.builder().baseUrl(url).clientToken(token).requestTimeout(Duration.ofSeconds(5))
                .executor(new VertxVaultHttpClient(WebClient.create(vertx))).build();
        return new VaultSecretStore(client, "secret", "openpaas");
    }

    static String wrap(String data) {
        return "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":" + data
                + ",\"wrap_info\":null,\"warnings\":null,\"auth\":null}";
    }

    static String written(int version) {
        return wrap("{\"created_time\":\"2026-11-27T10:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"\",\"destroyed\":false,\"version\":"
                + version + "}");
    }

    @Test
    void writesWithCheckAndSetReadsByVersionAndSoftDeletes() {
        GroupRef group = new GroupRef(UUID.randomUUID(), UUID.randomUUID(), "db");
        String data = "/v1/secret/data/openpaas/" + group.projectId() + "/db";
        String metadata = "/v1/secret/metadata/openpaas/" + group.projectId() + "/db";
        vault.stubFor(get(urlEqualTo(metadata)).inScenario("g").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(404).withBody("{\"errors\":[]}")));
        vault.stubFor(post(urlEqualTo(data)).withHeader("X-Vault-Token", equalTo(TOKEN)).withRequestBody(matchingJsonPath("$.options.cas", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.data.DB_PASSWORD", equalTo("s3cret-1")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(written(1))));
        vault.stubFor(post(urlEqualTo(data)).withRequestBody(matchingJsonPath("$.options.cas", equalTo("1")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(written(2))));
        vault.stubFor(post(urlEqualTo(data)).withRequestBody(matchingJsonPath("$.options.cas", equalTo("2")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[\"check-and-set parameter did not match the current version\"]}")));
        vault.stubFor(get(urlPathEqualTo(data)).withQueryParam("version", equalTo("1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(wrap("{\"data\":{\"DB_PASSWORD\":\"s3cret-1\"},\"metadata\":{\"created_time\":"
                        + "\"2026-11-27T10:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"\",\"destroyed\":false,\"version\":1}}"))));

        VaultSecretStore store = store(vault.baseUrl(), TOKEN);
        assertEquals(1, store.write(group, 0, Map.of("DB_PASSWORD", "s3cret-1")).await().indefinitely());
        assertEquals(2, store.write(group, 1, Map.of("DB_PASSWORD", "s3cret-2")).await().indefinitely());
        assertEquals(Map.of("DB_PASSWORD", "s3cret-1"), store.read(group, 1).await().indefinitely());
        // someone wrote version 3 behind OpenPaaS' back: check-and-set 2 fails, and the user gets a 409
        ProblemException conflict = failure(() -> store.write(group, 2, Map.of("DB_PASSWORD", "s3cret-3")).await().indefinitely());
        assertEquals(ProblemType.CONFLICT, conflict.type());
        assertTrue(conflict.getMessage().contains("check-and-set"));
        assertEquals("secret/openpaas/" + group.projectId() + "/db", store.externalPath(group));

        // delete: every version soft-deleted (POST /delete/…), the metadata kept so an operator can undelete
        vault.stubFor(get(urlEqualTo(metadata)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(wrap("{\"cas_required\":false,\"current_version\":2,\"max_versions\":0,\"oldest_version\":0,\"versions\":{\"1\":"
                        + "{\"created_time\":\"2026-11-27T10:00:00Z\",\"deletion_time\":\"\",\"destroyed\":false},\"2\":{\"created_time\":"
                        + "\"2026-11-27T10:00:01Z\",\"deletion_time\":\"\",\"destroyed\":false}}}"))));
        vault.stubFor(post(urlEqualTo("/v1/secret/delete/openpaas/" + group.projectId() + "/db")).willReturn(aResponse().withStatus(204)));
        store.delete(group).await().indefinitely();
        vault.verify(postRequestedFor(urlEqualTo("/v1/secret/delete/openpaas/" + group.projectId() + "/db"))
                .withRequestBody(equalToJson("{\"versions\":[1,2]}", true, false)));
    }

    @Test
    void aRecreatedGroupContinuesAfterTheVersionsADeletedOneLeft() {
        GroupRef group = new GroupRef(UUID.randomUUID(), UUID.randomUUID(), "again");
        vault.stubFor(get(urlEqualTo("/v1/secret/metadata/openpaas/" + group.projectId() + "/again")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(wrap("{\"current_version\":4,\"versions\":{}}"))));
        vault.stubFor(post(urlEqualTo("/v1/secret/data/openpaas/" + group.projectId() + "/again"))
                .withRequestBody(matchingJsonPath("$.options.cas", equalTo("4")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(written(5))));
        assertEquals(5, store(vault.baseUrl(), TOKEN).write(group, 0, Map.of("A", "b")).await().indefinitely());
    }

    @Test
    void aTokenWithoutThePolicyIsA502NamingTheRefusalNeverTheToken() {
        GroupRef group = new GroupRef(UUID.randomUUID(), UUID.randomUUID(), "db");
        vault.stubFor(get(urlPathEqualTo("/v1/secret/data/openpaas/" + group.projectId() + "/db")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"permission denied\"]}")));
        ProblemException refused = failure(() -> store(vault.baseUrl(), "s.bad-token").read(group, 1).await().indefinitely());
        assertEquals(ProblemType.BAD_GATEWAY, refused.type());
        assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        assertFalse(refused.getMessage().contains("s.bad-token"));
        // and a Vault that does not answer
        ProblemException down = failure(() -> store("http://127.0.0.1:1", TOKEN).read(group, 1).await().indefinitely());
        assertEquals(ProblemType.BAD_GATEWAY, down.type());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENPAAS_VAULT_URL", matches = ".+")
    void againstARealVault() {
        VaultSecretStore store = store(System.getenv("OPENPAAS_VAULT_URL"), System.getenv("OPENPAAS_VAULT_TOKEN"));
        GroupRef group = new GroupRef(UUID.randomUUID(), UUID.randomUUID(), "real");
        assertEquals(1, store.write(group, 0, Map.of("A", "one")).await().indefinitely());
        assertEquals(2, store.write(group, 1, Map.of("A", "two")).await().indefinitely());
        assertEquals(Map.of("A", "one"), store.read(group, 1).await().indefinitely());
        assertEquals(ProblemType.CONFLICT, failure(() -> store.write(group, 1, Map.of("A", "three")).await().indefinitely()).type());
        store.delete(group).await().indefinitely();
    }

    static ProblemException failure(Runnable call) {
        try {
            call.run();
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("expected a problem");
    }
}

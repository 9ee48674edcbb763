package io.openpaas.secrets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Secret groups through the API: versions, reveal, If-Match, bounds, links, and what the database holds. */
@QuarkusTest
class SecretGroupsTest {

    static String path(SecretsFixtures.World w, String group) {
        return "/api/v1/projects/" + w.project() + "/secrets/" + group;
    }

    static Response put(String token, String path, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).put(path);
    }

    @Test
    void valuesAreStoredEncryptedVersionedAndRevealedOnlyToOwnersWithAnAuditedEvent() {
        SecretsFixtures.World w = SecretsFixtures.world();
        String planted = "planted-" + UUID.randomUUID();
        String dev = TestTokens.user(w.developer());
        put(dev, path(w, "db"), "{\"data\":{\"DB_PASSWORD\":\"" + planted + "\",\"DB_USER\":\"app\"},\"services\":[\"" + w.service() + "\"]}")
                .then().statusCode(201).header("ETag", "\"1\"").body("version", equalTo(1)).body("keys", equalTo(List.of("DB_PASSWORD", "DB_USER")))
                .body("services", equalTo(List.of(w.service()))).body("store", equalTo("builtin")).body("data", nullValue());

        // the same values again: a new version whose ciphertext differs (fresh nonce)
        put(dev, path(w, "db"), "{\"data\":{\"DB_PASSWORD\":\"" + planted + "\",\"DB_USER\":\"app\"},\"services\":[\"" + w.service() + "\"]}")
                .then().statusCode(200).header("ETag", "\"2\"");
        String[] sealed = Sql.text("select string_agg(encode(v.ciphertext, 'hex'), ',' order by v.version) from secrets.secret_values v "
                + "join secrets.secret_groups g on g.id = v.group_id where g.project_id = cast(? as uuid)", w.project()).split(",");
        assertEquals(2, sealed.length);
        assertNotEquals(sealed[0], sealed[1], "the same value written twice must give different ciphertexts");
        assertEquals(0, SecretsFixtures.rowsHolding(planted), "a row of the secrets schema holds the plaintext");

        given().auth().oauth2(TestTokens.user(w.viewer())).get(path(w, "db")).then().statusCode(200)
                .body("keys", equalTo(List.of("DB_PASSWORD", "DB_USER"))).body("data", nullValue()).body(not(containsString(planted)));
        for (String token : List.of(TestTokens.user(w.viewer()), dev)) {
            given().auth().oauth2(token).get(path(w, "db") + "?reveal=true").then().statusCode(403).body(not(containsString(planted)));
        }
        given().auth().oauth2(TestTokens.user(w.owner())).get(path(w, "db") + "?reveal=true").then().statusCode(200)
                .body("data.DB_PASSWORD", equalTo(planted)).body("version", equalTo(2));
        Await.value("the reveal is an event", Duration.ofSeconds(5), 1L, () -> Sql.count("select count(*) from secrets.outbox_events "
                + "where subject = ?", "paas.secret." + w.project() + ".revealed"));

        // PATCH: set one, unset one; the versions list keeps who and what keys, never values
        given().auth().oauth2(dev).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"data\":{\"API_KEY\":\"k-" + planted + "\",\"DB_USER\":null}}").patch(path(w, "db"))
                .then().statusCode(200).header("ETag", "\"3\"").body("keys", equalTo(List.of("API_KEY", "DB_PASSWORD")));
        given().auth().oauth2(TestTokens.user(w.viewer())).get(path(w, "db") + "/versions").then().statusCode(200)
                .body("items.version", equalTo(List.of(3, 2, 1))).body("items[0].keys", equalTo(List.of("API_KEY", "DB_PASSWORD")))
                .body("items[0].created_by", equalTo(w.developer())).body(not(containsString(planted)));
        given().auth().oauth2(TestTokens.user(w.owner())).get(path(w, "db") + "?reveal=true&version=1").then().statusCode(200)
                .body("data.DB_USER", equalTo("app")).body("version", equalTo(1));
        given().auth().oauth2(TestTokens.user(w.viewer())).get("/api/v1/projects/" + w.project() + "/secrets").then().statusCode(200)
                .body("items.name", equalTo(List.of("db"))).body("items[0].version", equalTo(3)).body(not(containsString(planted)));

        // a stale If-Match changes nothing
        given().auth().oauth2(dev).contentType(ContentType.JSON).header("If-Match", "\"2\"").body("{\"data\":{\"X\":\"y\"}}").patch(path(w, "db"))
                .then().statusCode(412);
        assertEquals(3, Sql.count("select count(*) from secrets.secret_versions v join secrets.secret_groups g on g.id = v.group_id "
                + "where g.project_id = cast(? as uuid)", w.project()));
        assertEquals(0, SecretsFixtures.rowsHolding(planted), "a row of the secrets schema holds the plaintext");
        // events name keys and the version, never values
        assertEquals(0, Sql.count("select count(*) from secrets.outbox_events where position(? in payload::text) > 0", planted));
    }

    @Test
    void ciphertextThatWasAlteredOrMovedDoesNotDecrypt() {
        SecretsFixtures.World w = SecretsFixtures.world();
        String dev = TestTokens.user(w.developer());
        String owner = TestTokens.user(w.owner());
        put(dev, path(w, "one"), "{\"data\":{\"A\":\"value-first-1\"}}").then().statusCode(201);
        put(dev, path(w, "one"), "{\"data\":{\"A\":\"value-second-2\"}}").then().statusCode(200);
        put(dev, path(w, "two"), "{\"data\":{\"A\":\"value-other-3\"}}").then().statusCode(201);
        try {
            tamperAndRead(w, owner);
        } finally {
            // the shared database keeps no data key that no master key opens (rotation and start-up read them)
            given().auth().oauth2(owner).delete(path(w, "one")).then().statusCode(204);
            given().auth().oauth2(owner).delete(path(w, "two")).then().statusCode(204);
        }
    }

    private static void tamperAndRead(SecretsFixtures.World w, String owner) {
        String one = Sql.text("select cast(id as text) from secrets.secret_groups where project_id = cast(? as uuid) and name = 'one'", w.project());
        String two = Sql.text("select cast(id as text) from secrets.secret_groups where project_id = cast(? as uuid) and name = 'two'", w.project());

        // version 1's bytes as version 2 (the associated data names the version)
        Sql.tamper("update secrets.secret_values set ciphertext = (select ciphertext from secrets.secret_values where group_id = cast(? as uuid) "
                + "and version = 1) where group_id = cast(? as uuid) and version = 2", one, one);
        given().auth().oauth2(owner).get(path(w, "one") + "?reveal=true").then().statusCode(500)
                .body("detail", containsString("does not decrypt")).body(not(containsString("value-first-1")));
        // one flipped byte
        Sql.tamper("update secrets.secret_values set ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1) "
                + "where group_id = cast(? as uuid) and version = 1", one);
        given().auth().oauth2(owner).get(path(w, "one") + "?reveal=true&version=1").then().statusCode(500)
                .body("detail", containsString("does not decrypt"));
        // another group's data key (the associated data of a data key names project and group)
        Sql.tamper("update secrets.data_keys set wrapped = (select wrapped from secrets.data_keys where group_id = cast(? as uuid)) "
                + "where group_id = cast(? as uuid)", one, two);
        given().auth().oauth2(owner).get(path(w, "two") + "?reveal=true").then().statusCode(500)
                .body("detail", containsString("does not decrypt")).body(not(containsString("value-other-3")));
    }

    @Test
    void badInputIsRefusedClearlyAndLeavesNothing() {
        SecretsFixtures.World w = SecretsFixtures.world();
        String dev = TestTokens.user(w.developer());
        String planted = "planted-" + UUID.randomUUID();
        String big = "x".repeat(32769);
        String[][] cases = {
                {path(w, "db"), "{\"data\":{\"1BAD\":\"" + planted + "\"}}", "not an environment variable name"},
                {path(w, "db"), "{\"data\":{\"BAD-NAME\":\"" + planted + "\"}}", "not an environment variable name"},
                {path(w, "db"), "{\"data\":{}}", "at least one key"},
                {path(w, "db"), "{\"data\":{\"BIG\":\"" + big + "\"}}", "at most 32768"},
                {path(w, "Bad_Group"), "{\"data\":{\"A\":\"" + planted + "\"}}", "lowercase"},
                {path(w, "db"), "{\"data\":{\"A\":\"" + planted + "\"},\"services\":[\"" + UUID.randomUUID() + "\"]}", "not a service of this project"},
                {path(w, "db"), "{\"data\":{\"A\":{\"nested\":\"" + planted + "\"}}}", ""},
                {path(w, "db"), "{\"data\":{\"A\":\"" + planted + "\"},\"extra\":1}", ""},
                {path(w, "db"), "{}", "data"},
                {path(w, "tls"), "{\"data\":{\"A\":\"" + planted + "\"}}", "reserved"},
        };
        for (String[] c : cases) {
            String body = put(dev, c[0], c[1]).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString(c[2])).extract().asString();
            assertFalse(body.contains(planted), "an error answer shows the value: " + body);
        }
        StringBuilder many = new StringBuilder("{\"data\":{");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("\"K").append(i).append("\":\"v\"");
        }
        put(dev, path(w, "db"), many + "}}").then().statusCode(400).body("detail", containsString("at most 100"));
        assertEquals(0, Sql.count("select count(*) from secrets.secret_groups where project_id = cast(? as uuid)", w.project()));
        // PATCH of a missing group, and one that would remove every key
        given().auth().oauth2(dev).contentType(ContentType.JSON).body("{\"data\":{\"A\":\"b\"}}").patch(path(w, "db")).then().statusCode(404);
        put(dev, path(w, "db"), "{\"data\":{\"A\":\"b\"}}").then().statusCode(201);
        given().auth().oauth2(dev).contentType(ContentType.JSON).body("{\"data\":{\"A\":null}}").patch(path(w, "db")).then().statusCode(400)
                .body("detail", containsString("at least one key"));
        given().auth().oauth2(dev).contentType(ContentType.JSON).header("If-Match", "\"1\"").body("{\"data\":{\"A\":\"c\"}}").put(path(w, "nope"))
                .then().statusCode(412);
        assertEquals(1, Sql.count("select count(*) from secrets.secret_versions v join secrets.secret_groups g on g.id = v.group_id "
                + "where g.project_id = cast(? as uuid)", w.project()));
    }

    @Test
    void aDeletedServiceLeavesTheGroupsThatLinkedIt() {
        SecretsFixtures.World w = SecretsFixtures.world();
        put(TestTokens.user(w.developer()), path(w, "db"), "{\"data\":{\"A\":\"b\"},\"services\":[\"" + w.service() + "\"]}").then().statusCode(201);
        SecretsFixtures.serviceDeleted(w.project(), w.service());
        Await.until("the link is dropped", Duration.ofSeconds(10), () -> given().auth().oauth2(TestTokens.user(w.viewer())).get(path(w, "db"))
                .then().extract().jsonPath().getList("services").isEmpty());
        put(TestTokens.user(w.developer()), path(w, "db"), "{\"data\":{\"A\":\"b\"},\"services\":[\"" + w.service() + "\"]}").then().statusCode(400);
    }

    @Test
    void aDeletedProjectTakesItsGroupsAndTheirValuesWithIt() {
        SecretsFixtures.World w = SecretsFixtures.world();
        put(TestTokens.user(w.developer()), path(w, "db"), "{\"data\":{\"A\":\"b\"},\"services\":[\"" + w.service() + "\"]}").then().statusCode(201);
        put(TestTokens.user(w.developer()), path(w, "api"), "{\"data\":{\"C\":\"d\"}}").then().statusCode(201);
        SecretsFixtures.projectDeleted(w.project());
        Await.value("the groups gone", Duration.ofSeconds(10), 0L, () -> Sql.count("select count(*) from secrets.secret_groups "
                + "where project_id = cast(? as uuid)", w.project()));
        assertEquals(0, Sql.count("select count(*) from secrets.secret_values v where not exists (select 1 from secrets.secret_groups g "
                + "where g.id = v.group_id)"), "values left behind");
        Await.value("each group announced as deleted", Duration.ofSeconds(5), 2L, () -> Sql.count("select count(*) from secrets.outbox_events "
                + "where subject = ?", "paas.secret." + w.project() + ".deleted"));
    }

    @Test
    void everyEndpointAnswersEachRoleAsDocumented() {
        SecretsFixtures.World shared = SecretsFixtures.world();
        put(TestTokens.user(shared.developer()), path(shared, "shared"), "{\"data\":{\"A\":\"b\"}}").then().statusCode(201);
        String body = "{\"data\":{\"A\":\"c\"}}";
        RbacMatrix<SecretsFixtures.World> matrix = new RbacMatrix<SecretsFixtures.World>()
                // ANONYMOUS, VIEWER, DEVELOPER, OWNER, OTHER_OWNER, ADMIN
                .row("GET /api/v1/projects/{projectId}/secrets", x -> "/api/v1/projects/" + x.project() + "/secrets", 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared"), 401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/projects/{projectId}/secrets/{group}/versions", x -> path(x, "shared") + "/versions", 401, 200, 200, 200, 404, 200)
                .row("PUT /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared"), (x, a) -> body, false, 401, 403, 200, 200, 404, 200)
                .row("PATCH /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared"), (x, a) -> body, false, 401, 403, 200, 200, 404, 200)
                // fresh worlds have no such group: who may delete learns it is missing
                .row("DELETE /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared"), null, true, 401, 403, 403, 404, 404, 404)
                // a real rotation for the admin (every value stays readable: MasterKeyRotationTest)
                .row("POST /api/v1/admin/secrets/master-key/rotate", x -> "/api/v1/admin/secrets/master-key/rotate", 401, 403, 403, 403, 403, 200);
        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run(shared, SecretsFixtures::world, (x, actor) -> x.token(actor));
        // reveal and delete on a group that exists, in worlds of their own
        RbacMatrix<SecretsFixtures.World> values = new RbacMatrix<SecretsFixtures.World>()
                .row("GET /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared") + "?reveal=true", 401, 403, 403, 200, 404, 200)
                .row("DELETE /api/v1/projects/{projectId}/secrets/{group}", x -> path(x, "shared"), null, true, 401, 403, 403, 204, 404, 204);
        values.run(shared, () -> {
            SecretsFixtures.World w = SecretsFixtures.world();
            put(TestTokens.user(w.developer()), path(w, "shared"), "{\"data\":{\"A\":\"b\"}}").then().statusCode(201);
            return w;
        }, (x, actor) -> x.token(actor));
    }
}

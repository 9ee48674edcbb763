package io.openpaas.project.tokens;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.testing.Sql;
import io.openpaas.project.Accounts;
import io.openpaas.project.Accounts.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiTokenLifecycleTest {

    @Test
    void aTokenIsShownOnceStoredAsAHashAndUselessOnceRevoked() {
        Account alice = Accounts.user(Accounts.adminJwt(), "alice");
        var created = given().auth().oauth2(alice.jwt()).contentType(ContentType.JSON).body("{\"name\":\"ci\",\"expires_in_days\":30}")
                .post("/api/v1/tokens").then().statusCode(201).header("Cache-Control", org.hamcrest.Matchers.containsString("no-store"))
                .body("name", equalTo("ci"), "expires_at", not(nullValue())).extract();
        String token = created.path("token");
        String id = created.path("id");
        assertTrue(token.startsWith("opaas_" + created.path("prefix") + "_"));
        assertEquals(0, Sql.count("select count(*) from projects.api_tokens where hash = ? or prefix = ?", token, token));
        assertEquals(1, Sql.count("select count(*) from projects.api_tokens where id = ? and hash = encode(sha256(convert_to(?, 'UTF8')), 'hex')",
                UUID.fromString(id), token));
        given().auth().oauth2(alice.jwt()).get("/api/v1/tokens").then().statusCode(200)
                .body("items.id", hasItem(id), "items.token", not(hasItem(token)));
        Accounts.exchange(token);

        given().auth().oauth2(alice.jwt()).delete("/api/v1/tokens/" + id).then().statusCode(204);
        given().contentType(ContentType.JSON).body("{\"api_token\":\"" + token + "\"}").post("/api/v1/auth/token")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(alice.jwt()).get("/api/v1/tokens").then().body("items.find { it.id == '" + id + "' }.revoked_at", not(nullValue()));
    }

    @Test
    void anExpiredTokenCannotBeExchanged() {
        Account bob = Accounts.user(Accounts.adminJwt(), "bob");
        String id = given().auth().oauth2(bob.jwt()).contentType(ContentType.JSON).body("{\"name\":\"short\",\"expires_in_days\":1}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("id");
        String token = given().auth().oauth2(bob.jwt()).contentType(ContentType.JSON).body("{\"name\":\"short2\",\"expires_in_days\":1}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        Sql.execute("update projects.api_tokens set expires_at = now() - interval '1 minute' where user_id = ? and name = 'short2'",
                UUID.fromString(bob.id()));
        given().contentType(ContentType.JSON).body("{\"api_token\":\"" + token + "\"}").post("/api/v1/auth/token").then().statusCode(401);
        assertEquals(36, id.length());
    }

    @Test
    void aRoleCeilingCapsWhatTheTokensAccessTokensMayDo() {
        String admin = Accounts.adminJwt();
        Account owner = Accounts.user(admin, "capped");
        String project = Accounts.project(owner.jwt());
        String readOnly = given().auth().oauth2(owner.jwt()).contentType(ContentType.JSON)
                .body("{\"name\":\"dashboard\",\"role_ceiling\":\"viewer\"}").post("/api/v1/tokens").then().statusCode(201)
                .body("role_ceiling", equalTo("viewer")).extract().path("token");
        String jwt = Accounts.exchange(readOnly);
        given().auth().oauth2(jwt).get("/api/v1/projects/" + project).then().statusCode(200);
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"description\":\"x\"}").patch("/api/v1/projects/" + project)
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"n\"}").post("/api/v1/projects").then().statusCode(403);
        // a capped token cannot mint, list or revoke tokens, so it can neither escalate nor touch its owner's others
        long before = Sql.count("select count(*) from projects.api_tokens where user_id = ?", UUID.fromString(owner.id()));
        given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"escalate\",\"role_ceiling\":\"owner\"}")
                .post("/api/v1/tokens").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(jwt).get("/api/v1/tokens").then().statusCode(403);
        String uncappedId = given().auth().oauth2(owner.jwt()).get("/api/v1/tokens").then().statusCode(200)
                .extract().path("items.find { it.role_ceiling == null }.id");
        given().auth().oauth2(jwt).delete("/api/v1/tokens/" + uncappedId).then().statusCode(403);
        assertEquals(before, Sql.count("select count(*) from projects.api_tokens where user_id = ?", UUID.fromString(owner.id())));
        assertEquals(0, Sql.count("select count(*) from projects.api_tokens where id = ? and revoked_at is not null", UUID.fromString(uncappedId)));

        // an admin's capped token is not an admin token
        String adminCapped = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\":\"admin-ro\",\"role_ceiling\":\"developer\"}").post("/api/v1/tokens").then().statusCode(201)
                .extract().path("token");
        given().auth().oauth2(Accounts.exchange(adminCapped)).get("/api/v1/users").then().statusCode(403);
    }

    @Test
    void aChildTokenNeverOutlivesItsParent() {
        Account dave = Accounts.user(Accounts.adminJwt(), "dave");
        String parent = given().auth().oauth2(dave.jwt()).contentType(ContentType.JSON).body("{\"name\":\"week\",\"expires_in_days\":7}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        String parentExpiry = given().auth().oauth2(dave.jwt()).get("/api/v1/tokens").then().extract()
                .path("items.find { it.name == 'week' }.expires_at");
        String viaParent = Accounts.exchange(parent);
        given().auth().oauth2(viaParent).contentType(ContentType.JSON).body("{\"name\":\"longer\",\"expires_in_days\":30}")
                .post("/api/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("expires_in_days"));
        assertEquals(0, Sql.count("select count(*) from projects.api_tokens where user_id = ? and name = 'longer'", UUID.fromString(dave.id())));
        given().auth().oauth2(viaParent).contentType(ContentType.JSON).body("{\"name\":\"forever\"}")
                .post("/api/v1/tokens").then().statusCode(201).body("expires_at", equalTo(parentExpiry));
        given().auth().oauth2(viaParent).contentType(ContentType.JSON).body("{\"name\":\"shorter\",\"expires_in_days\":1}")
                .post("/api/v1/tokens").then().statusCode(201).body("expires_at", not(equalTo(parentExpiry)));
    }

    @Test
    void badTokenRequestsAreRefusedClearly() {
        Account carol = Accounts.user(Accounts.adminJwt(), "carol");
        given().auth().oauth2(carol.jwt()).contentType(ContentType.JSON).body("{\"name\":\"x\",\"role_ceiling\":\"root\"}")
                .post("/api/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("role_ceiling"));
        given().auth().oauth2(carol.jwt()).contentType(ContentType.JSON).body("{\"name\":\"x\",\"expires_in_days\":0}")
                .post("/api/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("expires_in_days"));
        given().auth().oauth2(carol.jwt()).delete("/api/v1/tokens/" + UUID.randomUUID()).then().statusCode(404);
    }
}

package io.openpaas.project.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthenticationTest {

    static final String ADMIN_API_TOKEN = "opaas_testadmin_0123456789abcdefghijklmnopqrstuv";

    @Test
    void theBootstrapAdminTokenIsExchangedForAWorkingJwt() {
        String jwt = given().contentType(ContentType.JSON).body("{\"api_token\":\"" + ADMIN_API_TOKEN + "\"}")
                .post("/api/v1/auth/token")
                .then().statusCode(200).header("Cache-Control", org.hamcrest.Matchers.containsString("no-store"))
                .body("token_type", equalTo("Bearer"), "expires_in", equalTo(900), "access_token", notNullValue())
                .extract().path("access_token");
        given().auth().oauth2(jwt).get("/api/v1/projects").then().statusCode(200);
    }

    @Test
    void aWrongApiTokenIsRefused() {
        given().contentType(ContentType.JSON).body("{\"api_token\":\"opaas_testadmin_wrongwrongwrongwrongwrong\"}")
                .post("/api/v1/auth/token").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"api_token\":\"garbage\"}")
                .post("/api/v1/auth/token").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void jwksPublishesTheSigningKey() {
        given().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kty", equalTo("RSA"), "keys[0].alg", equalTo("RS256"), "keys[0].kid", notNullValue());
    }

    @Test
    void everyApiCallNeedsAValidToken() {
        String user = UUID.randomUUID().toString();
        given().get("/api/v1/projects").then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("https://openpaas.dev/problems/unauthorized"));
        given().auth().oauth2(TestTokens.expired(user)).get("/api/v1/projects").then().statusCode(401);
        given().auth().oauth2(TestTokens.tampered(TestTokens.user(user))).get("/api/v1/projects").then().statusCode(401);
        given().auth().oauth2(TestTokens.signedByAnotherKey(user)).get("/api/v1/projects").then().statusCode(401);
        given().auth().oauth2("not.a.jwt").get("/api/v1/projects").then().statusCode(401);
        given().auth().oauth2(TestTokens.user(user)).get("/api/v1/services/" + UUID.randomUUID()).then().statusCode(404);
    }
}

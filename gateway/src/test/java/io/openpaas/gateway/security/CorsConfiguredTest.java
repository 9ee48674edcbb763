package io.openpaas.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With origins configured, those origins (only) get CORS answers. */
@QuarkusTest
@TestProfile(CorsConfiguredTest.OneOrigin.class)
class CorsConfiguredTest {

    public static class OneOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openpaas.gateway.cors-origins", "https://console.example");
        }
    }

    @Test
    void aConfiguredOriginGetsPreflightAndResponseHeaders() {
        given().header("Origin", "https://console.example").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/projects").then().statusCode(204)
                .header("Access-Control-Allow-Origin", "https://console.example")
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().header("Origin", "https://console.example").get("/health/live").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo("https://console.example"))
                .header("X-Content-Type-Options", "nosniff");
    }

    @Test
    void anotherOriginGetsNone() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/projects").then().header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://evil.example").get("/health/live").then().header("Access-Control-Allow-Origin", nullValue());
    }
}

package io.openpaas.project;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.UUID;

/** Real users, API tokens and projects made through the API, for tests that need them. */
public final class Accounts {

    public static final String ADMIN_API_TOKEN = "opaas_testadmin_0123456789abcdefghijklmnopqrstuv";

    /** A user, the API token the admin got for them, and an access token from it. */
    public record Account(String id, String username, String apiToken, String jwt) {
    }

    private Accounts() {
    }

    /** The bootstrap admin's access token (a real user, unlike TestTokens.admin()). */
    public static String adminJwt() {
        return exchange(ADMIN_API_TOKEN);
    }

    public static String exchange(String apiToken) {
        return given().contentType(ContentType.JSON).body("{\"api_token\":\"" + apiToken + "\"}")
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
    }

    public static Account user(String adminJwt, String prefix) {
        String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        var created = given().auth().oauth2(adminJwt).contentType(ContentType.JSON)
                .body("{\"username\":\"" + username + "\",\"email\":\"" + username + "@example.com\"}")
                .post("/api/v1/users").then().statusCode(201).extract();
        String apiToken = created.path("api_token");
        return new Account(created.path("id"), username, apiToken, exchange(apiToken));
    }

    public static String project(String jwt) {
        String slug = "p-" + UUID.randomUUID().toString().substring(0, 8);
        return given().auth().oauth2(jwt).contentType(ContentType.JSON).body("{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\"}")
                .post("/api/v1/projects").then().statusCode(201).extract().path("id");
    }

    public static void addMember(String ownerJwt, String projectId, String userId, String role) {
        given().auth().oauth2(ownerJwt).contentType(ContentType.JSON)
                .body("{\"user_id\":\"" + userId + "\",\"role\":\"" + role + "\"}")
                .post("/api/v1/projects/" + projectId + "/members").then().statusCode(201);
    }

    public static String service(String jwt, String projectId) {
        String slug = "s-" + UUID.randomUUID().toString().substring(0, 8);
        return given().auth().oauth2(jwt).contentType(ContentType.JSON)
                .body("{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"type\":\"webapp\","
                        + "\"build_source\":{\"type\":\"image\",\"image\":\"nginx:1.27\"}}")
                .post("/api/v1/projects/" + projectId + "/services").then().statusCode(201).extract().path("id");
    }
}

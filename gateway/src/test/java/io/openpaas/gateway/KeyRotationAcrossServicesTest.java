package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * A rotation of project-service's signing key is seen at once by the gateway and by another
 * service, each verifying with the JWKS over HTTP: the key that signs after the rotation was
 * published before it, so tokens of the new key and of the old one both pass everywhere.
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformProcesses.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "keys", value = "rotating"))
class KeyRotationAcrossServicesTest {

    static String kid(String jwt) {
        String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(header).getString("kid");
    }

    /** Through the gateway to project-service and to audit-service: three verifiers. */
    static void acceptedEverywhere(String jwt) {
        given().auth().oauth2(jwt).get("/api/v1/users/me").then().statusCode(200);
        given().auth().oauth2(jwt).get("/api/v1/audit?limit=1").then().statusCode(200);
    }

    /**
     * Three rotations in a row. Verifiers refetch the JWKS for an unknown key at most once a
     * minute, so without the next key published ahead the second rotation's tokens would be
     * refused; with it, every rotation's key is known before it signs.
     */
    @Test
    void rotatedKeysAreAcceptedAtOnceByTheGatewayAndTheServices() {
        String previous = LiveEventsTest.adminJwt();
        acceptedEverywhere(previous); // every verifier has fetched the JWKS: current and next key
        for (int rotation = 1; rotation <= 3; rotation++) {
            String newKid = given().auth().oauth2(previous).post("/api/v1/auth/keys/rotate").then().statusCode(200).extract().path("key_id");
            String after = LiveEventsTest.adminJwt();
            assertEquals(newKid, kid(after), "rotation " + rotation);
            assertNotEquals(kid(previous), kid(after));
            acceptedEverywhere(after);    // signed by a key published before the rotation
            acceptedEverywhere(previous); // the previous key stays valid until its tokens expire
            previous = after;
        }
    }
}

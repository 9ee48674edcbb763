package io.openpaas.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The gateway serves the subject catalogue to anyone who wants to subscribe. */
@QuarkusTest
class ServedDocumentsTest {

    @Test
    void theAsyncApiCatalogueIsServed() {
        given().get("/asyncapi.yaml").then().statusCode(200)
                .body(containsString("asyncapi: 2.6.0"), containsString("paas.security.{projectId}.denied"));
    }
}

package io.openpaas.common.testing;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one counter of the service under test from its Prometheus endpoint. */
public final class Metrics {

    private Metrics() {
    }

    /** The value of {@code name} with the label {@code consumer="<consumer>"}, or 0 before it is first counted. */
    public static double consumerCounter(String name, String consumer) {
        return value("^" + Pattern.quote(name) + "\\{[^}]*consumer=\"" + Pattern.quote(consumer) + "\"[^}]*} ([0-9.eE+-]+)$");
    }

    /** The value of {@code name} (whatever its labels), or 0 before it is first counted. */
    public static double counter(String name) {
        return value("^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    }

    private static double value(String line) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile(line, Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

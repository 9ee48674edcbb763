package io.openpaas.common.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The table-driven role matrix of a service: one row per endpoint, one expected status per
 * actor. {@link #assertCovers} compares the rows with the service's own OpenAPI document, so a
 * new endpoint without a row fails the test.
 *
 * @param <W> the test's world: the ids and tokens a row's path and body are made from
 */
public final class RbacMatrix<W> {

    /** The callers every row is tried with, in the order of a row's expected statuses. */
    public enum Actor { ANONYMOUS, VIEWER, DEVELOPER, OWNER, OTHER_OWNER, ADMIN }

    /**
     * One endpoint: its OpenAPI operation ({@code GET /api/v1/projects/{id}}), how to make the
     * concrete path and body from a world, whether each cell needs a fresh world (the call
     * changes or deletes what it reaches), and the statuses expected per {@link Actor}.
     */
    public record Row<W>(String operation, Function<W, String> path, BiFunction<W, Actor, String> body, boolean fresh, int[] expected) {
    }

    private final List<Row<W>> rows = new ArrayList<>();

    public RbacMatrix<W> row(String operation, Function<W, String> path, int... expected) {
        return row(operation, path, null, false, expected);
    }

    public RbacMatrix<W> row(String operation, Function<W, String> path, BiFunction<W, Actor, String> body, boolean fresh, int... expected) {
        if (expected.length != Actor.values().length) {
            throw new IllegalArgumentException(operation + ": one status per actor " + List.of(Actor.values()));
        }
        rows.add(new Row<>(operation, path, body, fresh, expected));
        return this;
    }

    public List<Row<W>> rows() {
        return rows;
    }

    /** Fails when the service documents an API operation the matrix has no row for (or the reverse). */
    public void assertCovers(Set<String> documented) {
        Set<String> covered = rows.stream().map(Row::operation).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(covered);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(documented);
        assertTrue(missing.isEmpty(), "endpoints without a row in the RBAC matrix: " + missing);
        assertTrue(unknown.isEmpty(), "rows for endpoints the service does not have: " + unknown);
    }

    /**
     * Runs every cell: {@code world} gives a world (fresh for rows that need one),
     * {@code tokens} the bearer token of an actor in it (null for anonymous).
     */
    public void run(W shared, java.util.function.Supplier<W> world, BiFunction<W, Actor, String> tokens) {
        List<String> failures = new ArrayList<>();
        for (Row<W> row : rows) {
            String[] parts = row.operation().split(" ", 2);
            for (Actor actor : Actor.values()) {
                W w = row.fresh() ? world.get() : shared;
                RequestSpecification request = given().contentType(ContentType.JSON);
                String token = tokens.apply(w, actor);
                if (token != null) {
                    request.auth().oauth2(token);
                }
                if (row.body() != null) {
                    request.body(row.body().apply(w, actor));
                }
                int status = request.request(parts[0], row.path().apply(w)).statusCode();
                int expected = row.expected()[actor.ordinal()];
                if (status != expected) {
                    failures.add(row.operation() + " as " + actor + ": expected " + expected + ", got " + status);
                }
            }
        }
        assertEquals(List.of(), failures, "RBAC matrix cells that do not hold");
    }

    /** Operations every service has from common, covered once by {@link ServiceBasicsContract}. */
    public static final String COMMON_ADMIN_PATHS = "/api/v1/admin/dead-letters/";

    /** The service's own API operations ({@code METHOD /path}) from its OpenAPI document. */
    public static Set<String> documentedOperations() {
        JsonPath openapi = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        Set<String> operations = new TreeSet<>();
        paths.entrySet().removeIf(e -> e.getKey().startsWith(COMMON_ADMIN_PATHS));
        paths.forEach((path, methods) -> methods.keySet().stream()
                .filter(m -> Set.of("get", "post", "put", "patch", "delete").contains(m))
                .forEach(m -> operations.add(m.toUpperCase() + " " + path)));
        return operations;
    }
}

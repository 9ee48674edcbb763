package io.openpaas.project.security;

import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.RbacMatrix.Actor;
import io.openpaas.project.Accounts;
import io.openpaas.project.Accounts.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of project-service × {anonymous, viewer, developer, owner, owner of another
 * project, admin}. Cells whose call changes or deletes what it reaches get a fresh project.
 */
@QuarkusTest
class RbacMatrixTest {

    /** The people, and one project P with a service, seen from every role. */
    record World(String admin, Account viewer, Account developer, Account owner, Account otherOwner, Account extra,
            String project, String service) {

        String token(Actor actor) {
            return switch (actor) {
                case ANONYMOUS -> null;
                case VIEWER -> viewer.jwt();
                case DEVELOPER -> developer.jwt();
                case OWNER -> owner.jwt();
                case OTHER_OWNER -> otherOwner.jwt();
                case ADMIN -> admin;
            };
        }

        String apiToken(Actor actor) {
            return switch (actor) {
                case ANONYMOUS -> "opaas_nobody00_000000000000000000000000";
                case VIEWER -> viewer.apiToken();
                case DEVELOPER -> developer.apiToken();
                case OWNER -> owner.apiToken();
                case OTHER_OWNER -> otherOwner.apiToken();
                case ADMIN -> Accounts.ADMIN_API_TOKEN;
            };
        }
    }

    @Test
    void everyEndpointAnswersEachRoleAsDesigned() {
        String admin = Accounts.adminJwt();
        Account viewer = Accounts.user(admin, "viewer");
        Account developer = Accounts.user(admin, "dev");
        Account owner = Accounts.user(admin, "owner");
        Account other = Accounts.user(admin, "other");
        Account extra = Accounts.user(admin, "extra");
        Accounts.project(other.jwt());
        java.util.function.Supplier<World> fresh = () -> {
            String project = Accounts.project(owner.jwt());
            Accounts.addMember(owner.jwt(), project, viewer.id(), "viewer");
            Accounts.addMember(owner.jwt(), project, developer.id(), "developer");
            Accounts.addMember(owner.jwt(), project, extra.id(), "viewer");
            return new World(admin, viewer, developer, owner, other, extra, project, Accounts.service(owner.jwt(), project));
        };
        World shared = fresh.get();

        RbacMatrix<World> matrix = new RbacMatrix<World>()
                //                                                         anon viewer dev owner other admin
                .row("POST /api/v1/auth/token", w -> "/api/v1/auth/token",
                        (w, a) -> "{\"api_token\":\"" + w.apiToken(a) + "\"}", false, 401, 200, 200, 200, 200, 200)
                .row("GET /.well-known/jwks.json", w -> "/.well-known/jwks.json", 200, 200, 200, 200, 200, 200)
                // keys come from configuration in the tests: the admin passes the role check and meets that rule
                .row("POST /api/v1/auth/keys/rotate", w -> "/api/v1/auth/keys/rotate", 401, 403, 403, 403, 403, 409)
                .row("POST /api/v1/users", w -> "/api/v1/users",
                        (w, a) -> "{\"username\":\"u-" + UUID.randomUUID().toString().substring(0, 8) + "\"}", false,
                        401, 403, 403, 403, 403, 201)
                .row("GET /api/v1/users", w -> "/api/v1/users", 401, 403, 403, 403, 403, 200)
                .row("GET /api/v1/users/me", w -> "/api/v1/users/me", 401, 200, 200, 200, 200, 200)
                .row("DELETE /api/v1/users/{id}", w -> "/api/v1/users/" + Accounts.user(w.admin(), "doomed").id(), null, false,
                        401, 403, 403, 403, 403, 204)
                .row("POST /api/v1/tokens", w -> "/api/v1/tokens", (w, a) -> "{\"name\":\"ci\",\"expires_in_days\":1}", false,
                        401, 201, 201, 201, 201, 201)
                .row("GET /api/v1/tokens", w -> "/api/v1/tokens", 401, 200, 200, 200, 200, 200)
                .row("DELETE /api/v1/tokens/{id}", RbacMatrixTest::viewersNewToken, null, false, 401, 204, 404, 404, 404, 204)
                .row("POST /api/v1/projects", w -> "/api/v1/projects",
                        (w, a) -> "{\"name\":\"m-" + UUID.randomUUID().toString().substring(0, 8) + "\"}", false, 401, 201, 201, 201, 201, 201)
                .row("GET /api/v1/projects", w -> "/api/v1/projects", 401, 200, 200, 200, 200, 200)
                .row("GET /api/v1/projects/{id}", w -> "/api/v1/projects/" + w.project(), 401, 200, 200, 200, 404, 200)
                .row("PATCH /api/v1/projects/{id}", w -> "/api/v1/projects/" + w.project(), (w, a) -> "{\"description\":\"rbac\"}", false,
                        401, 403, 403, 200, 404, 200)
                .row("DELETE /api/v1/projects/{id}", w -> "/api/v1/projects/" + w.project(), null, true, 401, 403, 403, 204, 404, 204)
                .row("POST /api/v1/projects/{id}/members", w -> "/api/v1/projects/" + w.project() + "/members",
                        (w, a) -> "{\"user_id\":\"" + w.otherOwner().id() + "\",\"role\":\"viewer\"}", true, 401, 403, 403, 201, 404, 201)
                .row("GET /api/v1/projects/{id}/members", w -> "/api/v1/projects/" + w.project() + "/members", 401, 200, 200, 200, 404, 200)
                .row("PATCH /api/v1/projects/{id}/members/{user}", w -> "/api/v1/projects/" + w.project() + "/members/" + w.extra().id(),
                        (w, a) -> "{\"role\":\"developer\"}", true, 401, 403, 403, 200, 404, 200)
                .row("DELETE /api/v1/projects/{id}/members/{user}", w -> "/api/v1/projects/" + w.project() + "/members/" + w.extra().id(),
                        null, true, 401, 403, 403, 204, 404, 204)
                .row("POST /api/v1/projects/{projectId}/services", w -> "/api/v1/projects/" + w.project() + "/services",
                        (w, a) -> "{\"name\":\"s-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"type\":\"webapp\","
                                + "\"build_source\":{\"type\":\"image\",\"image\":\"nginx:1.27\"}}", false, 401, 403, 201, 201, 404, 201)
                .row("GET /api/v1/projects/{projectId}/services", w -> "/api/v1/projects/" + w.project() + "/services",
                        401, 200, 200, 200, 404, 200)
                .row("GET /api/v1/services/{id}", w -> "/api/v1/services/" + w.service(), 401, 200, 200, 200, 404, 200)
                .row("PATCH /api/v1/services/{id}", w -> "/api/v1/services/" + w.service(), (w, a) -> "{\"name\":\"renamed\"}", false,
                        401, 403, 200, 200, 404, 200)
                .row("DELETE /api/v1/services/{id}", w -> "/api/v1/services/" + w.service(), null, true, 401, 403, 403, 204, 404, 204);

        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run(shared, fresh, World::token);
    }

    private static String viewersNewToken(World w) {
        String id = io.restassured.RestAssured.given().auth().oauth2(w.viewer().jwt()).contentType("application/json")
                .body("{\"name\":\"to-revoke\"}").post("/api/v1/tokens").then().statusCode(201).extract().path("id");
        return "/api/v1/tokens/" + id;
    }
}

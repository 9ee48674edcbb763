package io.openpaas.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix;
import io.openpaas.common.testing.RbacMatrix.Actor;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * audit-service enforces roles from its own projection of memberships, built from the
 * {@code paas.member.*} events project-service publishes (here published as it would).
 */
@QuarkusTest
class AuditAccessTest {

    static StreamProbe nats;

    @BeforeAll
    static void connect() {
        nats = new StreamProbe();
    }

    @AfterAll
    static void close() {
        nats.close();
    }

    record World(String project, String owner, String developer, String viewer, String otherOwner) {
        String token(Actor actor) {
            return switch (actor) {
                case ANONYMOUS -> null;
                case VIEWER -> TestTokens.user(viewer);
                case DEVELOPER -> TestTokens.user(developer);
                case OWNER -> TestTokens.user(owner);
                case OTHER_OWNER -> TestTokens.user(otherOwner);
                case ADMIN -> TestTokens.admin();
            };
        }
    }

    static void member(String type, String project, String user, String role, Instant at) throws Exception {
        String id = UUID.randomUUID().toString();
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/project-service\",\"type\":\"paas.member." + type
                + "\",\"subject\":\"" + user + "\",\"time\":\"" + at + "\",\"datacontenttype\":\"application/json\",\"projectid\":\""
                + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":{\"project_id\":\"" + project + "\",\"user_id\":\""
                + user + "\",\"role\":\"" + role + "\"}}";
        nats.publish("PAAS_MEMBER", "paas.member." + project + "." + type, body, id);
    }

    static World world() throws Exception {
        World w = new World(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), UUID.randomUUID().toString());
        // the service is ready once its consumers are attached: only then does a projection follow
        Await.until("ready", Duration.ofSeconds(60), () -> given().get("/health/ready").statusCode() == 200);
        Instant now = Instant.now();
        member("added", w.project(), w.owner(), "owner", now);
        member("added", w.project(), w.developer(), "developer", now);
        member("added", w.project(), w.viewer(), "viewer", now);
        member("added", UUID.randomUUID().toString(), w.otherOwner(), "owner", now);
        Await.value("projection", Duration.ofSeconds(15), 3L,
                () -> Sql.count("select count(*) from audit.member_projection where project_id = ?::uuid and role is not null", w.project()));
        return w;
    }

    @Test
    void everyEndpointAnswersEachRoleAsDesigned() throws Exception {
        World w = world();
        RbacMatrix<World> matrix = new RbacMatrix<World>()
                //                                                                   anon viewer dev owner other admin
                .row("GET /api/v1/audit", x -> "/api/v1/audit?project=" + x.project(), 401, 403, 403, 200, 404, 200)
                .row("GET /api/v1/audit/verify", x -> verifyFromHead(), 401, 403, 403, 403, 403, 200)
                .row("GET /api/v1/audit/export", x -> "/api/v1/audit/export?project=" + x.project(), 401, 403, 403, 200, 404, 200)
                // no retention is configured here: the admin passes the role check and meets that rule
                .row("POST /api/v1/audit/archive", x -> "/api/v1/audit/archive", 401, 403, 403, 403, 403, 409);
        matrix.assertCovers(RbacMatrix.documentedOperations());
        matrix.run(w, () -> w, World::token);
    }

    /** Verification from the current head: quick whatever the size of the test database. */
    static String verifyFromHead() {
        AuditChainTest.Checkpoint head = AuditChainTest.checkpoint();
        return "/api/v1/audit/verify?after_seq=" + head.seq() + "&hash=" + head.hash();
    }

    @Test
    void ownersReadTheirProjectsOnlyAndTheProjectionFollowsChanges() throws Exception {
        World w = world();
        String elsewhere = UUID.randomUUID().toString();
        String mine = UUID.randomUUID().toString();
        nats.publish("PAAS_PROJECT", "paas.project." + w.project() + ".updated", AuditRecorderTest.event(mine, w.project(), "paas.project.updated"), mine);
        nats.publish("PAAS_PROJECT", "paas.project." + elsewhere + ".updated", AuditRecorderTest.event(UUID.randomUUID().toString(), elsewhere,
                "paas.project.updated"), UUID.randomUUID().toString());
        Await.value("records", Duration.ofSeconds(15), 1L, () -> Sql.count("select count(*) from audit.audit_records where event_id = ?", mine));
        given().auth().oauth2(w.token(Actor.OWNER)).get("/api/v1/audit").then().statusCode(200)
                .body("items.event_id", org.hamcrest.Matchers.hasItem(mine), "items.project_id", everyItem(equalTo(w.project())));
        given().auth().oauth2(w.token(Actor.VIEWER)).get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(0));

        // an older event delivered late does not undo a newer change
        Instant later = Instant.now().plusSeconds(5);
        member("removed", w.project(), w.owner(), "owner", later);
        member("added", w.project(), w.owner(), "owner", later.minusSeconds(60));
        Await.value("owner removed", Duration.ofSeconds(15), 1L, () -> Sql.count(
                "select count(*) from audit.member_projection where project_id = ?::uuid and user_id = ? and role is null", w.project(), w.owner()));
        // a marker after the late event: once projected, the late one has been through the projector too
        String markerProject = UUID.randomUUID().toString();
        member("added", markerProject, w.owner(), "viewer", Instant.now());
        Await.value("the marker", Duration.ofSeconds(15), 1L, () -> Sql.count(
                "select count(*) from audit.member_projection where project_id = ?::uuid", markerProject));
        given().auth().oauth2(w.token(Actor.OWNER)).queryParam("project", w.project()).get("/api/v1/audit").then().statusCode(404);
    }
}

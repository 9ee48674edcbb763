package io.openpaas.secrets;

import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.RbacMatrix.Actor;
import io.openpaas.common.testing.Sql;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Members and services arrive as project-service's events on NATS, as in the platform. */
final class SecretsFixtures {

    private SecretsFixtures() {
    }

    record World(String project, String owner, String developer, String viewer, String otherOwner, String service) {
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

    /** A project with an owner, a developer, a viewer and one service, and an owner of another project; projected before it returns. */
    static World world() {
        World w = new World(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        member(w.project(), w.owner(), "owner");
        member(w.project(), w.developer(), "developer");
        member(w.project(), w.viewer(), "viewer");
        member(UUID.randomUUID().toString(), w.otherOwner(), "owner");
        service(w.project(), w.service(), "web");
        Await.value("members projected", Duration.ofSeconds(15), 3L,
                () -> Sql.count("select count(*) from secrets.member_projection where project_id = cast(? as uuid)", w.project()));
        Await.value("service projected", Duration.ofSeconds(15), 1L,
                () -> Sql.count("select count(*) from secrets.service_projection where service_id = cast(? as uuid)", w.service()));
        return w;
    }

    static String event(String domain, String type, String project, String subject, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/project-service\",\"type\":\"paas." + domain + "."
                + type + "\",\"subject\":\"" + subject + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\","
                + "\"projectid\":\"" + project + "\",\"actor\":\"tester\",\"correlationid\":\"c\",\"data\":" + data + "}";
    }

    static void member(String project, String user, String role) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish("PAAS_MEMBER", "paas.member." + project + ".added", event("member", "added", project, user,
                    "{\"project_id\":\"" + project + "\",\"user_id\":\"" + user + "\",\"role\":\"" + role + "\"}"), UUID.randomUUID().toString());
        }
    }

    static void service(String project, String service, String slug) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish("PAAS_SERVICE", "paas.service." + project + ".created", event("service", "created", project, service,
                    "{\"id\":\"" + service + "\",\"project_id\":\"" + project + "\",\"slug\":\"" + slug + "\"}"), UUID.randomUUID().toString());
        }
    }

    static void serviceDeleted(String project, String service) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish("PAAS_SERVICE", "paas.service." + project + ".deleted", event("service", "deleted", project, service,
                    "{\"id\":\"" + service + "\",\"project_id\":\"" + project + "\",\"slug\":\"web\"}"), UUID.randomUUID().toString());
        }
    }

    static void projectDeleted(String project) {
        try (StreamProbe nats = new StreamProbe()) {
            nats.publish("PAAS_PROJECT", "paas.project." + project + ".deleted", event("project", "deleted", project, project,
                    "{\"id\":\"" + project + "\",\"slug\":\"gone\"}"), UUID.randomUUID().toString());
        }
    }

    /** Rows of any table in the secrets schema whose text, or whose bytes in hex, hold {@code value}. */
    static long rowsHolding(String value) {
        long found = 0;
        for (String table : new String[] {"secret_groups", "secret_versions", "data_keys", "secret_values", "outbox_events",
                "idempotency_keys", "inbox_events", "service_projection"}) {
            found += Sql.count("select count(*) from secrets." + table + " x where position(? in x::text) > 0 "
                    + "or position(encode(convert_to(?, 'UTF8'), 'hex') in x::text) > 0", value, value);
        }
        return found;
    }
}

package io.openpaas.common.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.openpaas.common.testing.Await;
import io.openpaas.common.testing.StreamProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform's nats-server (as deploy/local/test.sh starts it, from deploy/nats/gen-auth.sh)
 * gives each process its own user: a service publishes only its own domains' subjects and can
 * neither reconfigure another's stream nor pull another's consumer nor read another's inbox;
 * read-only subscribers receive CloudEvents and publish nothing.
 */
class NatsPermissionsTest {

    /** A connection that keeps the errors the server sent it (permission violations arrive that way). */
    record Client(Connection connection, List<String> errors) implements AutoCloseable {
        boolean refused(String subject) {
            return errors.stream().anyMatch(e -> e.contains("Permissions Violation") && e.contains("\"" + subject + "\""));
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
        }
    }

    static String password(String user) {
        return System.getenv("OPENPAAS_NATS_PASSWORD_" + user.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    @BeforeAll
    static void onlyWithTheScriptsNats() {
        Assumptions.assumeTrue(password("build-service") != null, "run by deploy/local/test.sh, which starts NATS with users");
    }

    static Client connect(String user) throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        Options base = StreamProbe.options(user, password(user));
        Options options = new Options.Builder(base).errorListener(new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                errors.add(error);
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                errors.add(String.valueOf(exp));
            }

            @Override
            public void slowConsumerDetected(Connection conn, Consumer consumer) {
            }
        }).build();
        return new Client(Nats.connect(options), errors);
    }

    static void publish(Client client, String subject) throws Exception {
        client.connection().publish(subject, "{}".getBytes(StandardCharsets.UTF_8));
        client.connection().flush(Duration.ofSeconds(5));
    }

    @Test
    void aServiceCannotPublishAnotherDomainsSubject() throws Exception {
        String project = UUID.randomUUID().toString();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (Client tester = connect("tester"); Client build = connect("build-service")) {
            tester.connection().createDispatcher(m -> seen.add(m.getSubject())).subscribe("paas.*." + project + ".>");
            tester.connection().flush(Duration.ofSeconds(5));

            publish(build, "paas.member." + project + ".added"); // would make someone owner
            publish(build, "paas.project." + project + ".deleted");
            publish(build, "paas.build." + project + ".probe"); // its own domain: delivered
            Await.until("the build event", Duration.ofSeconds(5), () -> seen.contains("paas.build." + project + ".probe"));
            // one publisher's messages arrive in order: the refused ones would have come first
            assertEquals(Set.of("paas.build." + project + ".probe"), Set.copyOf(seen));
            Await.until("the server's refusals", Duration.ofSeconds(5),
                    () -> build.refused("paas.member." + project + ".added") && build.refused("paas.project." + project + ".deleted"));
        }
    }

    @Test
    void aServiceCannotReconfigureAnotherStreamOrTakeAnotherConsumersMessages() throws Exception {
        try (Client build = connect("build-service")) {
            for (String subject : List.of("$JS.API.STREAM.UPDATE.PAAS_MEMBER", "$JS.API.STREAM.DELETE.PAAS_MEMBER",
                    "$JS.API.STREAM.PURGE.PAAS_AUDIT", "$JS.API.CONSUMER.MSG.NEXT.PAAS_MEMBER.deploy-service-members-member-test",
                    "$JS.API.CONSUMER.CREATE.PAAS_PROJECT.spy")) {
                publish(build, subject);
            }
            build.connection().subscribe("paas.>");
            build.connection().subscribe("_INBOX_gateway.>");
            build.connection().flush(Duration.ofSeconds(5));
            Await.until("every refusal", Duration.ofSeconds(5), () -> build.refused("$JS.API.STREAM.UPDATE.PAAS_MEMBER")
                    && build.refused("$JS.API.STREAM.DELETE.PAAS_MEMBER")
                    && build.refused("$JS.API.CONSUMER.MSG.NEXT.PAAS_MEMBER.deploy-service-members-member-test")
                    && build.refused("$JS.API.CONSUMER.CREATE.PAAS_PROJECT.spy")
                    && build.refused("paas.>") && build.refused("_INBOX_gateway.>"));
        }
    }

    @Test
    void aReadOnlySubscriberReceivesEventsButPublishesNothingAndSeesSecurityEventsOnlyWhenGranted() throws Exception {
        String project = UUID.randomUUID().toString();
        Set<String> reader = ConcurrentHashMap.newKeySet();
        Set<String> auditor = ConcurrentHashMap.newKeySet();
        try (Client tester = connect("tester"); Client r = connect("subscriber-test-reader"); Client a = connect("subscriber-test-auditor")) {
            r.connection().createDispatcher(m -> reader.add(m.getSubject())).subscribe("paas.>");
            a.connection().createDispatcher(m -> auditor.add(m.getSubject())).subscribe("paas.>");
            r.connection().flush(Duration.ofSeconds(5));
            a.connection().flush(Duration.ofSeconds(5));

            publish(tester, "paas.security." + project + ".denied");
            publish(tester, "paas.project." + project + ".created");
            Await.until("both receive the project event", Duration.ofSeconds(5),
                    () -> reader.contains("paas.project." + project + ".created") && auditor.contains("paas.project." + project + ".created"));
            assertTrue(auditor.contains("paas.security." + project + ".denied"), "granted: " + auditor);
            assertFalse(reader.contains("paas.security." + project + ".denied"), "not granted: " + reader);

            publish(r, "paas.member." + project + ".added");
            publish(r, "$JS.API.INFO");
            Await.until("its refusals", Duration.ofSeconds(5),
                    () -> r.refused("paas.member." + project + ".added") && r.refused("$JS.API.INFO"));
            assertFalse(auditor.contains("paas.member." + project + ".added"));
        }
    }

    @Test
    void aRevokedSubscriberIsDisconnectedAndCannotComeBack() throws Exception {
        Path script = io.openpaas.common.testing.AsyncApiCatalogue.repositoryFile("deploy/local/subscribers.sh");
        String out = run(script.toString(), "add", "test-revoked");
        String password = out.lines().filter(l -> l.startsWith("password: ")).findFirst().orElseThrow().substring("password: ".length());
        Options options = new Options.Builder(StreamProbe.options("subscriber-test-revoked", password)).maxReconnects(5)
                .reconnectWait(Duration.ofMillis(200)).build();
        Connection c = Nats.connect(options);
        try {
            assertEquals(Connection.Status.CONNECTED, c.getStatus());
            run(script.toString(), "revoke", "test-revoked");
            Await.until("disconnected and refused", Duration.ofSeconds(15), () -> c.getStatus() != Connection.Status.CONNECTED);
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> Nats.connect(new Options.Builder(options).maxReconnects(0).build()).close());
            assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("authorization"), refused.toString());
        } finally {
            c.close();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

}

package io.openpaas.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.openpaas.common.secrets.SecretDelivery;
import io.openpaas.common.testing.StreamProbe;
import io.openpaas.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The values of linked groups reach the process that asks on NATS, sealed for it, and nobody else. */
@QuarkusTest
class SecretDeliveryTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void aLinkedServiceGetsItsGroupsSealedForTheRequesterOnly() throws Exception {
        SecretsFixtures.World w = SecretsFixtures.world();
        String planted = "planted-" + UUID.randomUUID();
        SecretGroupsTest.put(TestTokens.user(w.developer()), SecretGroupsTest.path(w, "db"),
                "{\"data\":{\"DB_PASSWORD\":\"" + planted + "\"},\"services\":[\"" + w.service() + "\"]}").then().statusCode(201);
        SecretGroupsTest.put(TestTokens.user(w.developer()), SecretGroupsTest.path(w, "unlinked"), "{\"data\":{\"OTHER\":\"x\"}}")
                .then().statusCode(201);

        try (StreamProbe nats = new StreamProbe()) {
            KeyPair receiver = SecretDelivery.newKeyPair();
            SecretDelivery.Request request = SecretDelivery.request(UUID.fromString(w.project()), UUID.fromString(w.service()), null, receiver);
            Message reply = nats.connection().request(SecretDelivery.SUBJECT, mapper.writeValueAsBytes(request), Duration.ofSeconds(10));
            assertFalse(new String(reply.getData(), StandardCharsets.UTF_8).contains(planted), "the value crossed NATS in the clear");
            List<SecretDelivery.Group> groups = SecretDelivery.open(mapper.readValue(reply.getData(), SecretDelivery.Reply.class), request,
                    receiver, mapper);
            assertEquals(1, groups.size(), "only the linked group: " + groups);
            assertEquals(Map.of("DB_PASSWORD", planted), groups.get(0).values());
            assertEquals(1, groups.get(0).version());

            // another key pair (anyone who recorded the reply) cannot open it
            assertThrows(SecretDelivery.DeliveryFailure.class, () -> SecretDelivery.open(mapper.readValue(reply.getData(),
                    SecretDelivery.Reply.class), request, SecretDelivery.newKeyPair(), mapper));

            // a group not linked to the service is refused by name
            SecretDelivery.Request unlinked = SecretDelivery.request(UUID.fromString(w.project()), UUID.fromString(w.service()),
                    List.of("unlinked"), receiver);
            Message refused = nats.connection().request(SecretDelivery.SUBJECT, mapper.writeValueAsBytes(unlinked), Duration.ofSeconds(10));
            SecretDelivery.Reply answer = mapper.readValue(refused.getData(), SecretDelivery.Reply.class);
            assertTrue(answer.error().contains("not linked"), answer.error());

            // a reply inbox that is not an allowed receiver's gets no values
            String foreignInbox = "_INBOX_gateway." + UUID.randomUUID();
            Subscription sub = nats.connection().subscribe(foreignInbox);
            nats.connection().publish(SecretDelivery.SUBJECT, foreignInbox, mapper.writeValueAsBytes(request));
            Message foreign = sub.nextMessage(Duration.ofSeconds(10));
            SecretDelivery.Reply denied = mapper.readValue(foreign.getData(), SecretDelivery.Reply.class);
            assertTrue(denied.sealed() == null && denied.error().contains("may not receive"), String.valueOf(denied));
        }
    }
}

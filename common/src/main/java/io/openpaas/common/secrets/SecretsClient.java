package io.openpaas.common.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.openpaas.common.nats.NatsClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks secrets-service for the values of the groups linked to a service, when a rollout or a
 * build needs them ({@link SecretDelivery}); blocking, for the worker threads that run those.
 */
@ApplicationScoped
public class SecretsClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final NatsClient nats;
    private final ObjectMapper mapper;

    public SecretsClient(NatsClient nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    /** The current values of {@code groups} (all linked groups when null) of the service; fails with a reason naming no value. */
    public List<SecretDelivery.Group> resolve(UUID projectId, UUID serviceId, List<String> groups) throws InterruptedException {
        return resolve(projectId, serviceId, groups, null);
    }

    /** As {@link #resolve(UUID, UUID, List)}, with only {@code keys} of the groups' values (all when null). */
    public List<SecretDelivery.Group> resolve(UUID projectId, UUID serviceId, List<String> groups, List<String> keys) throws InterruptedException {
        KeyPair receiver = SecretDelivery.newKeyPair();
        SecretDelivery.Request request = SecretDelivery.request(projectId, serviceId, groups, keys, receiver);
        try {
            Message answer = nats.connection().request(SecretDelivery.SUBJECT, mapper.writeValueAsBytes(request))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return SecretDelivery.open(mapper.readValue(answer.getData(), SecretDelivery.Reply.class), request, receiver, mapper);
        } catch (TimeoutException e) {
            throw new SecretDelivery.DeliveryFailure("secrets-service did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            String cause = e.getCause() == null ? "" : e.getCause().getMessage();
            throw new SecretDelivery.DeliveryFailure(cause != null && cause.contains("No Responders")
                    ? "secrets-service is not running (no responder on NATS)" : "the request to secrets-service failed: " + cause);
        } catch (java.io.IOException e) {
            throw new SecretDelivery.DeliveryFailure("the secrets reply is not readable: " + e.getClass().getSimpleName());
        } catch (IllegalStateException e) {
            throw new SecretDelivery.DeliveryFailure("NATS is not connected: " + e.getMessage());
        }
    }
}

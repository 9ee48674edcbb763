package io.openpaas.common.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.nats.client.Dispatcher;
import io.openpaas.common.secrets.SecretDelivery;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Stands in for secrets-service on NATS in the tests of the services that receive values
 * (secrets-service's own tests and the gateway's end-to-end test show the real one): answers each
 * request on {@link SecretDelivery#SUBJECT} with {@code groups}, sealed for the requester exactly
 * as secrets-service seals them.
 */
public final class SecretsResponderStub implements AutoCloseable {

    private final StreamProbe nats = new StreamProbe();
    private final Dispatcher dispatcher;

    public SecretsResponderStub(Supplier<List<SecretDelivery.Group>> groups) {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        dispatcher = nats.connection().createDispatcher(message -> {
            try {
                SecretDelivery.Request request = mapper.readValue(message.getData(), SecretDelivery.Request.class);
                nats.connection().publish(message.getReplyTo(), mapper.writeValueAsBytes(SecretDelivery.seal(request, groups.get(), mapper)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        dispatcher.subscribe(SecretDelivery.SUBJECT, "secrets-service");
    }

    @Override
    public void close() {
        nats.connection().closeDispatcher(dispatcher);
        nats.close();
    }
}

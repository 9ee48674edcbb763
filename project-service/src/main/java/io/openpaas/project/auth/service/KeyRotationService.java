package io.openpaas.project.auth.service;

import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.unchecked.Unchecked;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Rotates the token signing key on request of an admin and records the change. */
@ApplicationScoped
public class KeyRotationService {

    private final SigningKeys keys;
    private final Outbox outbox;
    private final Transactions tx;
    private final Vertx vertx;

    public KeyRotationService(SigningKeys keys, Outbox outbox, Transactions tx, Vertx vertx) {
        this.keys = keys;
        this.outbox = outbox;
        this.tx = tx;
        this.vertx = vertx;
    }

    public Uni<Map<String, String>> rotate() {
        // key generation and file writes block: off the event loop, then back on it for the event
        return vertx.executeBlocking(Uni.createFrom().item(Unchecked.supplier(keys::rotate)))
                .call(ids -> tx.write(() -> outbox.append(Domain.SECURITY, null, "signing_key_rotated", ids.get("key_id"), ids)));
    }
}

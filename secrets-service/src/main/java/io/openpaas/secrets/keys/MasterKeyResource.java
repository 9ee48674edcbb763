package io.openpaas.secrets.keys;

import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.CallerContext;
import io.openpaas.secrets.store.SecretStore;
import io.openpaas.secrets.store.builtin.MasterKeys;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/admin/secrets/master-key/rotate")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "secrets")
public class MasterKeyResource {

    private final MasterKeys keys;
    private final SecretStore store;
    private final CallerContext caller;
    private final Outbox outbox;
    private final Transactions tx;

    public MasterKeyResource(MasterKeys keys, SecretStore store, CallerContext caller, Outbox outbox, Transactions tx) {
        this.keys = keys;
        this.store = store;
        this.caller = caller;
        this.outbox = outbox;
        this.tx = tx;
    }

    @POST
    @Operation(summary = "Rotate the built-in store's master key (admins): a new key wraps every data key, while the service serves; "
            + "the old key is retired when none is left")
    public Uni<MasterKeys.Rotation> rotate() {
        if (!caller.requireUser().admin()) {
            throw ProblemException.forbidden("only platform admins rotate the secrets master key");
        }
        if (!store.kind().equals("builtin")) {
            throw ProblemException.conflict("the secret store is " + store.kind() + ": its keys are rotated there, not here");
        }
        return keys.rotate().call(rotation -> tx.write(() -> outbox.append(Domain.SECRET, null, "master_key_rotated", rotation.masterKeyId(),
                Map.of("master_key_id", rotation.masterKeyId(), "retired", rotation.retired(), "rewrapped", rotation.rewrapped()))));
    }
}

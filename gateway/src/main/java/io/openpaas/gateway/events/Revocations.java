package io.openpaas.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Access tokens the gateway must refuse before they expire: those exchanged from a revoked API
 * token ({@code paas.security.*.token_revoked}) and those of a deleted user
 * ({@code paas.member.*.user_deleted}, from {@link MembershipView}). It follows the security
 * stream from one token lifetime back, so a gateway that starts after a revocation still knows
 * it, and tells its listeners (open live streams) at once.
 */
@ApplicationScoped
public class Revocations {

    /** The longest an access token lives (plus clock skew): after that a revocation has nothing left to stop. */
    static final Duration REMEMBERED = Duration.ofMinutes(16);
    private static final String STREAM = "PAAS_SECURITY";

    private final GatewayNats nats;
    private final MembershipView memberships;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Revoked API token id → when the entry may be forgotten (epoch ms). */
    private final Map<String, Long> revokedTokens = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

    public Revocations(GatewayNats nats, MembershipView memberships) {
        this.nats = nats;
        this.memberships = memberships;
        memberships.onUserDeleted(user -> listeners.forEach(l -> l.accept(null, user)));
    }

    void onStart(@Observes StartupEvent event) {
        // from one token lifetime back, each time: applying a revocation twice is harmless
        new StreamFollower("revocations follower", nats, connection -> connection.getStreamContext(STREAM)
                .createOrderedConsumer(new OrderedConsumerConfiguration()
                        .filterSubject("paas.security.*.token_revoked")
                        .deliverPolicy(DeliverPolicy.ByStartTime).startTime(ZonedDateTime.now().minus(REMEMBERED)))
                .consume(this::apply)).begin();
    }

    /** True when a token of this API token id or user must be refused now. */
    public boolean refuses(String tokenId, String userId) {
        if (userId != null && memberships.isDeleted(userId)) {
            return true;
        }
        if (tokenId == null) {
            return false;
        }
        Long until = revokedTokens.get(tokenId);
        if (until == null) {
            return false;
        }
        if (until < System.currentTimeMillis()) {
            revokedTokens.remove(tokenId);
            return false;
        }
        return true;
    }

    /** Called with (token id, null) for a revoked API token, (null, user id) for a deleted user; on a NATS thread. */
    public void onRevoked(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    private void apply(Message msg) {
        try {
            JsonNode data = mapper.readTree(msg.getData()).path("data");
            String tokenId = data.path("token_id").asText(null);
            if (tokenId != null) {
                revokedTokens.put(tokenId, System.currentTimeMillis() + REMEMBERED.toMillis());
                listeners.forEach(l -> l.accept(tokenId, null));
            }
        } catch (Exception e) {
            Log.warnf("revocations skipped an unreadable event at %s: %s", msg.getSubject(), e.toString());
        }
    }
}

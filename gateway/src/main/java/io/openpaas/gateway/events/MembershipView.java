package io.openpaas.gateway.events;

import io.openpaas.common.events.MemberEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own projection of memberships, in memory: it replays {@code PAAS_MEMBER} from
 * the beginning at start (that stream keeps its whole history) and follows it, so the live
 * event stream can decide per event whether the caller may see its project, without a
 * database and without asking a service.
 */
@ApplicationScoped
public class MembershipView {

    private static final String STREAM = "PAAS_MEMBER";

    private record Entry(String role, Instant changedAt) {
    }

    private final GatewayNats nats;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Map<String, Entry>> byProject = new ConcurrentHashMap<>();
    private final Set<String> deletedUsers = ConcurrentHashMap.newKeySet();
    private volatile long appliedSeq;
    private volatile long caughtUpTo = Long.MAX_VALUE;
    private final java.util.List<java.util.function.Consumer<String>> userDeletedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public MembershipView(GatewayNats nats) {
        this.nats = nats;
    }

    /** Called with the user's id when a user is deleted (on a NATS thread). */
    public void onUserDeleted(java.util.function.Consumer<String> listener) {
        userDeletedListeners.add(listener);
    }

    void onStart(@Observes StartupEvent event) {
        // from the start of the history, then after a reconnect from the next sequence not applied
        new StreamFollower("membership view", nats, connection -> {
            var stream = connection.getStreamContext(STREAM);
            caughtUpTo = stream.getStreamInfo().getStreamState().getLastSequence();
            OrderedConsumerConfiguration from = appliedSeq == 0 ? new OrderedConsumerConfiguration().deliverPolicy(DeliverPolicy.All)
                    : new OrderedConsumerConfiguration().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(appliedSeq + 1);
            return stream.createOrderedConsumer(from).consume(this::apply);
        }).begin();
    }

    /** True once the history that existed at start has been applied. */
    public boolean ready() {
        return appliedSeq >= caughtUpTo || caughtUpTo == 0;
    }

    public boolean isMember(String projectId, String userId) {
        Map<String, Entry> members = byProject.get(projectId);
        Entry e = members == null ? null : members.get(userId);
        return e != null && e.role() != null;
    }

    public boolean isDeleted(String userId) {
        return deletedUsers.contains(userId);
    }

    private void apply(Message msg) {
        try {
            JsonNode event = mapper.readTree(msg.getData());
            String type = event.path("type").asText();
            JsonNode data = event.path("data");
            Instant at = Instant.parse(event.path("time").asText());
            String user = data.path("user_id").asText();
            switch (type) {
                case MemberEvents.ADDED, MemberEvents.ROLE_CHANGED -> set(data.path("project_id").asText(), user, data.path("role").asText(), at);
                case MemberEvents.REMOVED -> set(data.path("project_id").asText(), user, null, at);
                case MemberEvents.USER_DELETED -> {
                    deletedUsers.add(user);
                    byProject.values().forEach(members -> members.computeIfPresent(user, (k, e) -> new Entry(null, at)));
                    userDeletedListeners.forEach(l -> l.accept(user));
                }
                default -> {
                }
            }
        } catch (Exception e) {
            Log.warnf("membership view skipped an unreadable event at %s: %s", msg.getSubject(), e.toString());
        } finally {
            appliedSeq = msg.metaData().streamSequence();
        }
    }

    private void set(String projectId, String userId, String role, Instant at) {
        byProject.computeIfAbsent(projectId, k -> new ConcurrentHashMap<>())
                .merge(userId, new Entry(role, at), (old, now) -> now.changedAt().isBefore(old.changedAt()) ? old : now);
    }

}

package io.openpaas.secrets.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.openpaas.common.nats.NatsClient;
import io.openpaas.common.secrets.SecretDelivery;
import io.openpaas.secrets.config.SecretsConfig;
import io.openpaas.secrets.groups.SecretGroup;
import io.openpaas.secrets.groups.repository.SecretGroupRepository;
import io.openpaas.secrets.store.SecretStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Answers {@link SecretDelivery#SUBJECT}: the current values of the groups linked to a service,
 * sealed for the requester. Only a reply inbox of an allowed receiver ({@code _INBOX_<user>.},
 * which NATS lets only that user subscribe to) gets an answer, and only groups that link the
 * named service are given (docs/secrets.md).
 */
@ApplicationScoped
public class SecretsResponder {

    private static final Logger LOG = Logger.getLogger(SecretsResponder.class);
    private final NatsClient nats;
    private final SecretGroupRepository groups;
    private final SecretStore store;
    private final ObjectMapper mapper;
    private final Set<String> inboxes;
    private volatile Dispatcher dispatcher;

    public SecretsResponder(NatsClient nats, SecretGroupRepository groups, SecretStore store, ObjectMapper mapper, SecretsConfig config) {
        this.nats = nats;
        this.groups = groups;
        this.store = store;
        this.mapper = mapper;
        this.inboxes = config.receivers().stream().map(user -> "_INBOX_" + user + ".").collect(Collectors.toSet());
    }

    void start(@Observes StartupEvent start) {
        dispatcher = nats.connection().createDispatcher(this::answer);
        dispatcher.subscribe(SecretDelivery.SUBJECT, "secrets-service");
    }

    void stop(@Observes ShutdownEvent stop) {
        if (dispatcher != null) {
            nats.connection().closeDispatcher(dispatcher);
        }
    }

    private void answer(Message message) {
        String replyTo = message.getReplyTo();
        if (replyTo == null) {
            return;
        }
        if (inboxes.stream().noneMatch(replyTo::startsWith)) {
            LOG.warnf("refused a secrets request answered to %s: not the inbox of an allowed receiver", replyTo);
            reply(replyTo, new SecretDelivery.Reply(null, null, "this requester may not receive secret values"));
            return;
        }
        SecretDelivery.Request request;
        try {
            request = mapper.readValue(message.getData(), SecretDelivery.Request.class);
            if (request.projectId() == null || request.serviceId() == null || request.receiverKey() == null || request.requestId() == null) {
                throw new IllegalArgumentException("incomplete");
            }
        } catch (Exception e) {
            reply(replyTo, new SecretDelivery.Reply(null, null, "the request is not a secrets delivery request"));
            return;
        }
        resolve(request).subscribe().with(
                found -> {
                    SecretDelivery.Reply sealed = SecretDelivery.seal(request, found, mapper);
                    int size = sealed.sealed().length() + sealed.senderKey().length() + 64;
                    long max = nats.connection().getMaxPayload();
                    reply(replyTo, size <= max ? sealed : new SecretDelivery.Reply(null, null, "the values of the groups linked to the "
                            + "service take " + size + " bytes sealed, more than NATS carries in one message (" + max + "): link fewer or "
                            + "smaller groups, or raise the server's max_payload"));
                },
                failure -> {
                    LOG.warnf("secrets request %s for service %s failed: %s", request.requestId(), request.serviceId(), failure.getMessage());
                    reply(replyTo, new SecretDelivery.Reply(null, null, failure.getMessage()));
                });
    }

    private Uni<List<SecretDelivery.Group>> resolve(SecretDelivery.Request request) {
        return groups.linkedTo(request.projectId(), request.serviceId()).chain(linked -> {
            List<SecretGroup> wanted = new ArrayList<>();
            if (request.groups() == null) {
                wanted.addAll(linked);
            } else {
                for (String name : request.groups()) {
                    SecretGroup group = linked.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow(() ->
                            new IllegalArgumentException("secret group '" + name + "' does not exist or is not linked to the service"));
                    wanted.add(group);
                }
            }
            Uni<List<SecretDelivery.Group>> all = Uni.createFrom().item(new ArrayList<>());
            for (SecretGroup group : wanted) {
                all = all.chain(list -> store.read(group.ref(), group.version()).map(read -> {
                    java.util.Map<String, String> values = read;
                    if (request.keys() != null) {
                        values = new java.util.TreeMap<>(read);
                        values.keySet().retainAll(request.keys());
                    }
                    list.add(new SecretDelivery.Group(group.name(), group.version(), values, group.store(), store.externalPath(group.ref())));
                    return list;
                }));
            }
            return all;
        });
    }

    private void reply(String replyTo, SecretDelivery.Reply reply) {
        try {
            nats.connection().publish(replyTo, mapper.writeValueAsBytes(reply));
        } catch (Exception e) {
            LOG.warnf("could not answer a secrets request: %s", e.getClass().getSimpleName());
        }
    }
}

package io.openpaas.build.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.builds.service.BuildRequests;
import io.openpaas.common.crypto.SecretCipher;
import io.openpaas.build.execution.BuildDispatcher;
import io.openpaas.build.sources.ServiceSource;
import io.openpaas.build.sources.ServiceSources;
import io.openpaas.common.events.Domain;
import io.openpaas.common.members.ProjectAuthorizer;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.DeniedRequests;
import io.openpaas.common.security.Roles;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Push webhooks (docs/builds.md): each service has a secret (made on first read by an owner,
 * rotated by an owner, stored encrypted); a delivery signed with it that pushes the service's
 * branch builds the pushed commit, once per delivery id; other branches and events are
 * acknowledged and ignored; a bad or missing signature is 401, which the denied-request recorder
 * puts in the audit trail.
 */
@ApplicationScoped
public class WebhookService {

    static final String PURPOSE = "webhook-secret";
    private final Pool pool;
    private final SecretCipher cipher;
    private final ServiceSources sources;
    private final ProjectAuthorizer authorizer;
    private final BuildRequests builds;
    private final BuildDispatcher dispatcher;
    private final Outbox outbox;
    private final Transactions tx;
    private final ObjectMapper mapper;
    private final SecureRandom random = new SecureRandom();

    public WebhookService(Pool pool, SecretCipher cipher, ServiceSources sources, ProjectAuthorizer authorizer, BuildRequests builds,
            BuildDispatcher dispatcher, Outbox outbox, Transactions tx, ObjectMapper mapper) {
        this.pool = pool;
        this.cipher = cipher;
        this.sources = sources;
        this.authorizer = authorizer;
        this.builds = builds;
        this.dispatcher = dispatcher;
        this.outbox = outbox;
        this.tx = tx;
        this.mapper = mapper;
    }

    /** What an owner pastes into the Git host: the URL and the secret. */
    public record WebhookView(String url, String secret, Instant createdAt) {
        @Override
        public String toString() {
            return "WebhookView[" + url + ", ****]";
        }
    }

    /** The outcome of a delivery. */
    public record Delivery(String status, String detail, UUID buildId) {
    }

    /** The service's webhook (owners), made with a fresh secret the first time. */
    public Uni<WebhookView> read(Caller caller, UUID serviceId) {
        return owned(caller, serviceId).chain(source -> secret(serviceId).chain(existing -> existing != null
                ? Uni.createFrom().item(existing)
                : tx.write(() -> store(source, false))));
    }

    /** A new secret (owners); the old one stops working at once. */
    public Uni<WebhookView> rotate(Caller caller, UUID serviceId) {
        return owned(caller, serviceId).chain(source -> tx.write(() -> store(source, true)));
    }

    public Uni<Delivery> deliver(UUID serviceId, HttpHeaders headers, byte[] body) {
        String provider = WebhookProviders.provider(headers);
        return live(serviceId).chain(source -> secret(serviceId).chain(stored -> {
            if (source == null || stored == null || !WebhookProviders.verified(provider, headers, body, stored.secret())) {
                DeniedRequests.mark(source == null ? null : source.projectId(), "webhook:" + provider, false);
                throw new ProblemException(ProblemType.UNAUTHORIZED, stored == null
                        ? "this service has no webhook secret yet: an owner reads it at GET /api/v1/services/{id}/webhook"
                        : "the delivery's signature does not match the service's webhook secret");
            }
            Push push = WebhookProviders.parse(provider, headers, body, mapper);
            if (!push.isPush()) {
                return Uni.createFrom().item(new Delivery("ignored", "'" + push.event() + "' is not a push event", null));
            }
            String branch = source.branch() == null ? "main" : source.branch();
            if (push.branch() == null || push.deletesBranch() || !branch.equals(push.branch())) {
                return Uni.createFrom().item(new Delivery("ignored", "the push is not to the service's branch '" + branch + "'", null));
            }
            if (!push.after().matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
                throw ProblemException.invalidField("after", "is not a commit SHA");
            }
            return builds.checkSource(source).chain(() -> tx.write(() -> once(serviceId, push)
                    .chain(previous -> previous != null
                            ? Uni.createFrom().item(new Delivery("duplicate", "delivery " + push.deliveryId() + " was already received",
                                    previous))
                            : builds.enqueue(source, null, push.after(), "webhook", "webhook:" + provider)
                                    .call(view -> recordBuild(serviceId, push.deliveryId(), view.id()))
                                    .map(view -> new Delivery("queued", "building " + push.after(), view.id())))))
                    .invoke(d -> dispatcher.wake());
        }));
    }

    /**
     * Records the delivery id; answers the build an earlier delivery with that id made (null the
     * first time). A delivery without an id cannot be recognised again and always builds.
     */
    private Uni<UUID> once(UUID serviceId, Push push) {
        if (push.deliveryId() == null) {
            return Uni.createFrom().nullItem();
        }
        String id = push.deliveryId().length() > 200 ? push.deliveryId().substring(0, 200) : push.deliveryId();
        return Panache.getSession().chain(session -> session.createNativeQuery("insert into webhook_deliveries (service_id, delivery_id, "
                + "received_at) values (:service, :delivery, now()) on conflict do nothing")
                .setParameter("service", serviceId).setParameter("delivery", id).executeUpdate()
                .chain(inserted -> inserted > 0 ? Uni.createFrom().<UUID>nullItem()
                        : session.createNativeQuery("select cast(build_id as text) from webhook_deliveries where service_id = :service "
                                + "and delivery_id = :delivery", String.class)
                                .setParameter("service", serviceId).setParameter("delivery", id).getSingleResultOrNull()
                                .map(b -> b == null ? UUID.randomUUID() : UUID.fromString(b))));
    }

    private Uni<Void> recordBuild(UUID serviceId, String deliveryId, UUID buildId) {
        if (deliveryId == null) {
            return Uni.createFrom().voidItem();
        }
        String id = deliveryId.length() > 200 ? deliveryId.substring(0, 200) : deliveryId;
        return Panache.getSession().chain(session -> session.createNativeQuery("update webhook_deliveries set build_id = :build "
                + "where service_id = :service and delivery_id = :delivery")
                .setParameter("build", buildId).setParameter("service", serviceId).setParameter("delivery", id).executeUpdate())
                .replaceWithVoid();
    }

    private Uni<WebhookView> store(ServiceSource source, boolean rotated) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String secret = HexFormat.of().formatHex(raw);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.getSession().chain(session -> session.createNativeQuery("insert into webhook_secrets (service_id, ciphertext, created_at) "
                + "values (:id, :sealed, :at) on conflict (service_id) do update set ciphertext = excluded.ciphertext, "
                + "created_at = excluded.created_at")
                .setParameter("id", source.serviceId()).setParameter("sealed", cipher.encrypt(source.serviceId(), PURPOSE, secret))
                .setParameter("at", now).executeUpdate())
                .call(() -> outbox.append(Domain.BUILD, source.projectId(), rotated ? "webhook_secret_rotated" : "webhook_secret_created",
                        source.serviceId(), Map.of("service_id", source.serviceId())))
                .replaceWith(new WebhookView(url(source.serviceId()), secret, now));
    }

    private Uni<WebhookView> secret(UUID serviceId) {
        return pool.preparedQuery("select ciphertext, created_at from webhook_secrets where service_id = $1").execute(Tuple.of(serviceId))
                .map(rows -> rows.size() == 0 ? null : new WebhookView(url(serviceId),
                        cipher.decrypt(serviceId, PURPOSE, rows.iterator().next().getBuffer(0).getBytes()),
                        rows.iterator().next().getOffsetDateTime(1).toInstant()));
    }

    /** The live service, or null (a webhook does not wait for the projection: the service has existed for a while). */
    private Uni<ServiceSource> live(UUID serviceId) {
        return sources.find(serviceId);
    }

    private Uni<ServiceSource> owned(Caller caller, UUID serviceId) {
        return sources.require(serviceId).call(source -> authorizer.require(caller, source.projectId(), Roles.OWNER));
    }

    static String url(UUID serviceId) {
        return "/api/v1/webhooks/git/" + serviceId;
    }
}

package io.openpaas.project.tokens.service;

import io.openpaas.common.api.Page;
import io.openpaas.common.events.Domain;
import io.openpaas.common.outbox.Outbox;
import io.openpaas.common.persistence.Transactions;
import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.security.Caller;
import io.openpaas.common.security.ProjectRoles;
import io.openpaas.project.auth.ApiToken;
import io.openpaas.project.auth.repository.ApiTokenRepository;
import io.openpaas.project.auth.service.ApiTokens;
import io.openpaas.project.tokens.api.CreateTokenRequest;
import io.openpaas.project.tokens.api.CreatedTokenView;
import io.openpaas.project.tokens.api.TokenView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * API tokens: minted with 190 bits of entropy, shown once, kept as a SHA-256 hash, capped by
 * an optional role ceiling and lifetime, revocable. Events name the token by id, never by
 * secret, prefix or hash.
 */
@ApplicationScoped
public class ApiTokenService {

    private final ApiTokenRepository tokens;
    private final Outbox outbox;
    private final Transactions tx;

    public ApiTokenService(ApiTokenRepository tokens, Outbox outbox, Transactions tx) {
        this.tokens = tokens;
        this.outbox = outbox;
        this.tx = tx;
    }

    /**
     * Mints a token for the caller. A child never outlives nor outranks the token it is made
     * with: it expires no later than its parent (and inherits the parent's expiry when none is
     * asked for), and it is capped at least as much. Capped tokens cannot manage tokens at all.
     */
    public Uni<CreatedTokenView> create(Caller caller, CreateTokenRequest request) {
        requireUncapped(caller);
        String ceiling = ProjectRoles.lower(request.roleCeiling(), caller.ceiling());
        Instant asked = request.expiresInDays() == null ? null
                : Instant.now().plus(Duration.ofDays(request.expiresInDays())).truncatedTo(ChronoUnit.MICROS);
        return tx.write(() -> parentOf(caller).chain(parent -> {
            Instant expiresAt = asked;
            if (parent != null && parent.expiresAt != null) {
                if (asked != null && asked.isAfter(parent.expiresAt)) {
                    throw ProblemException.invalidField("expires_in_days",
                            "would outlive the API token you are calling with, which expires at " + parent.expiresAt);
                }
                expiresAt = asked == null ? parent.expiresAt : asked;
            }
            return issue(UUID.fromString(caller.userId()), request.name().strip(), ceiling, expiresAt);
        }));
    }

    /** The API token the caller's access token was exchanged from, when it names one. */
    private Uni<ApiToken> parentOf(Caller caller) {
        if (caller.tokenId() == null) {
            return Uni.createFrom().nullItem();
        }
        try {
            return tokens.findById(UUID.fromString(caller.tokenId()));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().nullItem();
        }
    }

    /** A capped token is for narrow jobs (CI, a deploy bot): it may not see or touch its owner's other tokens. */
    private static void requireUncapped(Caller caller) {
        if (caller.ceiling() != null) {
            throw ProblemException.forbidden("a token with a role ceiling cannot create, list or revoke API tokens; use an uncapped token");
        }
    }

    /** Mints a token for a user in the current transaction and records the event. */
    public Uni<CreatedTokenView> issue(UUID userId, String name, String ceiling, Instant expiresAt) {
        ApiTokens.Minted minted = ApiTokens.mint();
        ApiToken token = ApiToken.of(userId, name, minted.prefix(), minted.hash(), ceiling, expiresAt);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token_id", token.id);
        data.put("user_id", userId);
        data.put("name", name);
        data.put("role_ceiling", ceiling);
        data.put("expires_at", expiresAt);
        return tokens.persist(token)
                .call(() -> outbox.append(Domain.SECURITY, null, "token_created", token.id, data))
                .map(t -> new CreatedTokenView(t.id, t.name, minted.token(), t.prefix, t.roleCeiling, t.expiresAt, t.createdAt));
    }

    @WithSession
    public Uni<Page<TokenView>> list(Caller caller, UUID after, int limit) {
        requireUncapped(caller);
        return tokens.pageForUser(UUID.fromString(caller.userId()), after, limit + 1)
                .map(rows -> Page.of(rows, limit, ApiTokenService::toView, t -> t.id));
    }

    /** Revokes a token of the caller (an admin may revoke anyone's); revoking twice is a no-op. */
    public Uni<Void> revoke(Caller caller, UUID id) {
        requireUncapped(caller);
        return tx.write(() -> tokens.findById(id).chain(token -> {
            if (token == null || !(caller.admin() || token.userId.toString().equals(caller.userId()))) {
                throw ProblemException.notFound("token", id);
            }
            if (token.revokedAt != null) {
                return Uni.createFrom().voidItem();
            }
            token.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return outbox.append(Domain.SECURITY, null, "token_revoked", token.id,
                    Map.of("token_id", token.id, "user_id", token.userId)).replaceWithVoid();
        }));
    }

    private static TokenView toView(ApiToken t) {
        return new TokenView(t.id, t.name, t.prefix, t.roleCeiling, t.expiresAt, t.revokedAt, t.createdAt);
    }
}

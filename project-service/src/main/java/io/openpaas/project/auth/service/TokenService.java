package io.openpaas.project.auth.service;

import io.openpaas.common.problem.ProblemException;
import io.openpaas.common.problem.ProblemType;
import io.openpaas.common.security.Roles;
import io.openpaas.project.auth.ApiToken;
import io.openpaas.project.auth.User;
import io.openpaas.project.auth.api.AccessTokenResponse;
import io.openpaas.project.auth.repository.ApiTokenRepository;
import io.openpaas.project.auth.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Exchanges an API token for a short-lived RS256 access token (docs/contracts.md). */
@ApplicationScoped
public class TokenService {

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final SigningKeys keys;
    private final JwtConfig config;

    public TokenService(ApiTokenRepository tokens, UserRepository users, SigningKeys keys, JwtConfig config) {
        this.tokens = tokens;
        this.users = users;
        this.keys = keys;
        this.config = config;
    }

    @WithSession
    public Uni<AccessTokenResponse> exchange(String apiToken) {
        ApiTokens.Parsed parsed = ApiTokens.parse(apiToken).orElseThrow(TokenService::invalid);
        return tokens.findByPrefix(parsed.prefix()).chain(token -> {
            if (!usable(token, parsed)) {
                throw invalid();
            }
            return users.findById(token.userId).map(user -> {
                if (user == null) {
                    throw invalid();
                }
                return new AccessTokenResponse(sign(user, token), "Bearer", config.lifetime().toSeconds());
            });
        });
    }

    private static boolean usable(ApiToken token, ApiTokens.Parsed parsed) {
        return token != null && ApiTokens.sameHash(token.hash, parsed.hash()) && token.revokedAt == null
                && (token.expiresAt == null || token.expiresAt.isAfter(Instant.now()));
    }

    private String sign(User user, ApiToken token) {
        Instant now = Instant.now();
        var claims = Jwt.issuer(Roles.ISSUER)
                .audience(Roles.AUDIENCE)
                .subject(user.id.toString())
                .upn(user.username)
                .issuedAt(now)
                .expiresAt(now.plus(config.lifetime()))
                .claim("jti", UUID.randomUUID().toString())
                .claim(Roles.TOKEN_ID_CLAIM, token.id.toString());
        if (token.roleCeiling != null) {
            // a capped token acts with at most this project role and never as platform admin
            claims.claim(Roles.CEILING_CLAIM, token.roleCeiling);
        } else if (user.admin) {
            claims.groups(Set.of(Roles.ADMIN));
        }
        SigningKeys.Signer signer = keys.signer(); // one snapshot: the kid always names the key that signs
        return claims.jws().keyId(signer.keyId()).sign(signer.key());
    }

    private static ProblemException invalid() {
        return new ProblemException(ProblemType.UNAUTHORIZED, "the API token is invalid, expired or revoked");
    }
}

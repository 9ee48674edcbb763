package io.openpaas.common.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Takes the platform admin role away from any token that carries a role ceiling (a capped
 * token never acts as an admin, whatever its groups say), and refuses the access tokens of
 * deleted users: a token stays cryptographically valid until it
 * expires, so every service also checks its {@code deleted_users} rows (kept from
 * {@code paas.member.user_deleted}; project-service writes them itself).
 */
@ApplicationScoped
public class ActiveUserAugmentor implements SecurityIdentityAugmentor {

    private final Pool pool;

    public ActiveUserAugmentor(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getSubject() == null) {
            return Uni.createFrom().item(identity);
        }
        SecurityIdentity capped = jwt.getClaim(Roles.CEILING_CLAIM) != null && identity.hasRole(Roles.ADMIN) ? withoutAdmin(identity) : identity;
        return pool.preparedQuery("select 1 from deleted_users where user_id = $1").execute(Tuple.of(jwt.getSubject()))
                .map(rows -> {
                    if (rows.size() > 0) {
                        throw new AuthenticationFailedException("the user of this token was deleted");
                    }
                    return capped;
                });
    }

    private static SecurityIdentity withoutAdmin(SecurityIdentity identity) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .setAnonymous(false)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes());
        identity.getRoles().stream().filter(r -> !Roles.ADMIN.equals(r)).forEach(builder::addRole);
        return builder.build();
    }
}

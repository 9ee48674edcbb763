package io.openpaas.project.auth.service;

import io.openpaas.common.persistence.Ids;
import io.openpaas.project.auth.ApiToken;
import io.openpaas.project.auth.User;
import io.openpaas.project.auth.repository.ApiTokenRepository;
import io.openpaas.project.auth.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes sure a platform admin exists. On first start the admin gets the token from
 * {@code OPENPAAS_BOOTSTRAP_ADMIN_TOKEN}, or a new one that is printed once and written to
 * {@code <state-dir>/admin-token} (mode 0600) for the local run script.
 */
@ApplicationScoped
public class AdminBootstrap {

    private final UserRepository users;
    private final ApiTokenRepository tokens;
    private final Optional<String> configuredToken;
    private final String stateDir;

    public AdminBootstrap(UserRepository users, ApiTokenRepository tokens,
            @ConfigProperty(name = "openpaas.bootstrap.admin-token") Optional<String> configuredToken,
            @ConfigProperty(name = "openpaas.state-dir") String stateDir) {
        this.users = users;
        this.tokens = tokens;
        this.configuredToken = configuredToken;
        this.stateDir = stateDir;
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        Optional<String> printed = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::ensureAdmin));
        if (printed.isPresent()) {
            Path file = Path.of(stateDir, "admin-token");
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, printed.get() + "\n");
            // the token itself never goes to a log: logs are read by more people than the state folder
            Log.infof("the platform admin's API token is in %s (readable by this user only)", file);
        }
    }

    /** Answers the new token when one was generated and must be shown. */
    Uni<Optional<String>> ensureAdmin() {
        Optional<ApiTokens.Parsed> configured = configuredToken.filter(t -> !t.isBlank()).map(t -> ApiTokens.parse(t)
                .orElseThrow(() -> new IllegalArgumentException("OPENPAAS_BOOTSTRAP_ADMIN_TOKEN must look like opaas_<prefix>_<secret of 16+ chars>")));
        return users.find("admin = true order by createdAt").firstResult().chain(admin -> {
            if (admin != null && configured.isEmpty()) {
                return Uni.createFrom().item(Optional.<String>empty());
            }
            Uni<User> adminUser = admin != null ? Uni.createFrom().item(admin) : createAdmin();
            if (configured.isPresent()) {
                ApiTokens.Parsed parsed = configured.get();
                return adminUser.chain(user -> tokens.findByPrefix(parsed.prefix()).chain(existing -> existing != null
                        ? Uni.createFrom().item(Optional.<String>empty())
                        : tokens.persist(token(user, parsed.prefix(), parsed.hash())).replaceWith(Optional.<String>empty())));
            }
            ApiTokens.Minted minted = ApiTokens.mint();
            return adminUser.chain(user -> tokens.persist(token(user, minted.prefix(), minted.hash())))
                    .replaceWith(Optional.of(minted.token()));
        });
    }

    private Uni<User> createAdmin() {
        User user = new User();
        user.id = Ids.newId();
        user.username = "admin";
        user.admin = true;
        user.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Log.infof("created the platform admin user %s", user.id);
        return users.persist(user);
    }

    private static ApiToken token(User user, String prefix, String hash) {
        return ApiToken.of(user.id, "bootstrap", prefix, hash, null, null);
    }
}

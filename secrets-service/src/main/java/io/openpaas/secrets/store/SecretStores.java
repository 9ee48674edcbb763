package io.openpaas.secrets.store;

import io.openpaas.common.json.Json;
import io.openpaas.secrets.config.SecretsConfig;
import io.openpaas.secrets.config.VaultConfig;
import io.openpaas.secrets.store.builtin.BuiltinSecretStore;
import io.openpaas.secrets.store.builtin.MasterKeys;
import io.openpaas.secrets.store.vault.VaultSecretStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vault.client.VaultClient;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Picks the store from configuration: {@code openpaas.secrets.store}, else {@code vault} when
 * {@code OPENPAAS_VAULT_URL} is set, else the built-in one. For the built-in store, the master
 * key is loaded and checked at start: a key that does not open what is stored stops the service.
 */
@ApplicationScoped
public class SecretStores {

    private static final Logger LOG = Logger.getLogger(SecretStores.class);

    static String kind(SecretsConfig secrets, VaultConfig vault) {
        String kind = secrets.store().orElse(vault.url().filter(u -> !u.isBlank()).isPresent() ? "vault" : "builtin");
        if (!kind.equals("builtin") && !kind.equals("vault")) {
            throw new IllegalStateException("openpaas.secrets.store must be 'builtin' or 'vault', not '" + kind + "'");
        }
        return kind;
    }

    @Produces
    @Singleton
    MasterKeys masterKeys(SecretsConfig config, Pool pool, Vertx vertx) {
        return new MasterKeys(config, pool, vertx);
    }

    @Produces
    @Singleton
    SecretStore store(SecretsConfig secrets, VaultConfig vault, MasterKeys masterKeys, Pool pool, Json json, Instance<VaultClient> client) {
        if (kind(secrets, vault).equals("vault")) {
            if (vault.url().filter(u -> !u.isBlank()).isEmpty()) {
                throw new IllegalStateException("openpaas.secrets.store=vault needs OPENPAAS_VAULT_URL");
            }
            return new VaultSecretStore(client.get(), vault.mount(), vault.prefix());
        }
        return new BuiltinSecretStore(masterKeys, pool, json);
    }

    /**
     * At start, before anything else starts (consumers, the NATS responder, the relay): the
     * built-in store's keys are loaded and checked (the service stops here on a wrong key), then
     * any re-wrap left runs.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start, MasterKeys masterKeys, DataSource dataSource,
            SecretStore store) {
        LOG.infof("secret store: %s", store.kind());
        try (java.sql.Connection c = dataSource.getConnection(); var st = c.prepareStatement("select store, count(*) from secret_groups "
                + "where store <> ? group by store")) {
            st.setString(1, store.kind());
            try (var rs = st.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalStateException("The secret store is configured as " + store.kind() + ", but " + rs.getLong(2)
                            + " secret groups are kept in the " + rs.getString(1) + " store. Refusing to start; nothing was changed. "
                            + "Configure the store they are in (OPENPAAS_SECRETS_STORE, OPENPAAS_VAULT_URL).");
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the secrets schema to check the store", e);
        }
        if (!store.kind().equals("builtin")) {
            return;
        }
        masterKeys.load(dataSource);
        if (masterKeys.hasPreviousKeys()) {
            masterKeys.resume().subscribe().with(r -> { }, e -> LOG.error("re-wrapping data keys under the new master key failed; "
                    + "it runs again at the next start", e));
        }
    }
}

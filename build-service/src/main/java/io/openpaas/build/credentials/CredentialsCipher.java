package io.openpaas.build.credentials;

import io.openpaas.build.config.BuildConfig;
import io.openpaas.common.crypto.SecretCipher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** build-service's cipher for Git credentials and webhook secrets: {@code openpaas.build.credentials-key}, else a key file under its work folder. */
@jakarta.enterprise.context.ApplicationScoped
public class CredentialsCipher {

    @Produces
    @Singleton
    SecretCipher cipher(BuildConfig config) {
        return new SecretCipher(config.credentialsKey(), Path.of(config.workDir(), "keys", "credentials.key"));
    }
}

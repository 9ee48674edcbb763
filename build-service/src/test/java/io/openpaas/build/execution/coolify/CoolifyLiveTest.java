package io.openpaas.build.execution.coolify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openpaas.build.builds.BuildState;
import io.openpaas.build.config.CoolifyConfig;
import io.openpaas.build.execution.BuildRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against a real Coolify, when {@code OPENPAAS_COOLIFY_URL} and {@code OPENPAAS_COOLIFY_API_KEY}
 * are set: the calls the executor makes are answered as the stub answers them.
 */
@EnabledIfEnvironmentVariable(named = "OPENPAAS_COOLIFY_URL", matches = ".+")
class CoolifyLiveTest {

    @Test
    void listsApplicationsWithTheFieldsTheExecutorMatchesOn() throws Exception {
        CoolifyConfig config = new CoolifyConfig() {
            public Optional<String> url() {
                return Optional.of(System.getenv("OPENPAAS_COOLIFY_URL"));
            }

            public Optional<String> apiKey() {
                return Optional.ofNullable(System.getenv("OPENPAAS_COOLIFY_API_KEY"));
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(2);
            }

            public Duration requestTimeout() {
                return Duration.ofSeconds(15);
            }

            public int maxRateLimitWaits() {
                return 3;
            }
        };
        JsonNode applications = new CoolifyClient(config, new ObjectMapper()).get("/api/v1/applications", new NoRun());
        assertTrue(applications.isArray(), applications.toString());
        for (JsonNode app : applications) {
            assertTrue(app.has("uuid") && app.has("git_repository"), app.toString());
        }
    }

    private static final class NoRun implements BuildRun {
        public void log(String line) {
        }

        public boolean enter(BuildState stage) {
            return true;
        }

        public boolean stopped() {
            return false;
        }

        public void attach(Process process) {
        }

        public void resolved(String commitSha) {
        }

        public void mask(String secret) {
        }

        public Path workspace() {
            return Path.of(".");
        }
    }
}

package io.openpaas.project.outbox;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** project-service with its outbox relay not running: as if it crashed right after a commit. */
public class RelayStoppedProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("openpaas.outbox.relay-enabled", "false");
    }
}

package io.openpaas.deploy.deployments;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The life of a deployment (docs/deployments.md); each transition publishes {@code paas.deploy.<project>.<state>}. */
public enum DeploymentState {
    PENDING, APPLYING, PROGRESSING, AVAILABLE, FAILED, CANCELLED, SUPERSEDED;

    /** States in which a rollout is still going on. */
    public static final Set<DeploymentState> IN_FLIGHT = EnumSet.of(PENDING, APPLYING, PROGRESSING);

    public boolean isFinal() {
        return !IN_FLIGHT.contains(this) && this != AVAILABLE;
    }

    public String event() {
        return name().toLowerCase(Locale.ROOT);
    }
}

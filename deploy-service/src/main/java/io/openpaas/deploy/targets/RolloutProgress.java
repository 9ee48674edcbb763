package io.openpaas.deploy.targets;

/** What a target reports while it rolls a service out. */
@FunctionalInterface
public interface RolloutProgress {

    /** A line for the deployment's log. */
    void log(String line);

    /** The new replicas run and are being checked: the deployment is PROGRESSING. */
    default void progressing() {
    }

    /**
     * The new replicas are healthy and traffic is about to move to them: the last moment the
     * rollout can still be abandoned (cancelled, timed out) without touching what serves. Throws
     * when it must be abandoned; once it returns, the target finishes the rollout.
     */
    default void beforeTrafficMoves() throws DeployFailure {
    }

    /**
     * Traffic has moved: the new replicas serve, and the deployment is AVAILABLE now rather than
     * after the old replicas finished stopping (which may take their whole grace period).
     */
    default void trafficMoved() {
    }
}

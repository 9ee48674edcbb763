package io.openpaas.deploy.targets;

/** What a target reports while it rolls a service out. */
@FunctionalInterface
public interface RolloutProgress {

    /** A line for the deployment's log. */
    void log(String line);

    /** The new replicas run and are being checked: the deployment is PROGRESSING. */
    default void progressing() {
    }
}

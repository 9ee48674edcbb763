package io.openpaas.deploy.targets;

/** A rollout that cannot go on, with a reason a person understands. */
public class DeployFailure extends Exception {

    public DeployFailure(String reason) {
        super(reason);
    }
}

package io.openpaas.build.execution;

/** A build that cannot go on, with a reason a person understands (it becomes the build's {@code reason}). */
public class BuildFailure extends Exception {

    public BuildFailure(String reason) {
        super(reason);
    }

    public BuildFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}

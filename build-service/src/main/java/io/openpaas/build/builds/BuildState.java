package io.openpaas.build.builds;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The life of a build (docs/builds.md); each transition publishes {@code paas.build.<project>.<state>}. */
public enum BuildState {
    QUEUED, CLONING, BUILDING, PUSHING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    /** States in which a worker holds the build. */
    public static final Set<BuildState> RUNNING = EnumSet.of(CLONING, BUILDING, PUSHING);
    /** States a build can still leave. */
    public static final Set<BuildState> OPEN = EnumSet.of(QUEUED, CLONING, BUILDING, PUSHING);

    public boolean isFinal() {
        return !OPEN.contains(this);
    }

    /** The event name of entering this state, e.g. {@code timed_out}. */
    public String event() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] names(Set<BuildState> states) {
        return states.stream().map(Enum::name).toArray(String[]::new);
    }
}

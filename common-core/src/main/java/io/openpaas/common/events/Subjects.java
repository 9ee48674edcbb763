package io.openpaas.common.events;

/**
 * The subject scheme {@code paas.<domain>.<projectId>.<event>} and the matching CloudEvents
 * type {@code paas.<domain>.<event>}. Events that belong to no project use {@code _} in the
 * project position so that {@code paas.*.<pid>.>} filters still work.
 */
public final class Subjects {

    public static final String NO_PROJECT = "_";

    private Subjects() {
    }

    public static String type(Domain domain, String event) {
        return "paas." + domain.token() + "." + event;
    }

    /** The subject an envelope is published on, derived from its type and project. */
    public static String subjectOf(EventEnvelope envelope) {
        String[] parts = envelope.type().split("\\.", 3);
        if (parts.length != 3 || !"paas".equals(parts[0])) {
            throw new IllegalArgumentException("not an OpenPaaS event type: " + envelope.type());
        }
        String project = envelope.projectId() == null ? NO_PROJECT : envelope.projectId();
        return "paas." + parts[1] + "." + project + "." + parts[2];
    }

    /** Dead-letter subject of a durable consumer; kept outside {@code paas.>} so auditors do not re-read it. */
    public static String deadLetter(String durable) {
        return "deadletter." + durable;
    }
}

package io.openpaas.common.events;

import java.util.Locale;

/**
 * The event domains of docs/contracts.md. Each domain has one JetStream stream holding
 * {@code paas.<domain>.>}; the service that owns the domain publishes into it.
 */
public enum Domain {
    PROJECT, MEMBER, SERVICE, BUILD, DEPLOY, SECRET, SECURITY;

    /** The domain as it appears in subjects and event types, e.g. {@code build}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** JetStream stream that stores this domain's events, e.g. {@code PAAS_BUILD}. */
    public String streamName() {
        return "PAAS_" + name();
    }

    /** Wildcard subject covering every event of this domain. */
    public String allSubjects() {
        return "paas." + token() + ".>";
    }

    public static Domain fromToken(String token) {
        return valueOf(token.toUpperCase(Locale.ROOT));
    }
}

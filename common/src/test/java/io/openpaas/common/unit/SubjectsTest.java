package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.events.Domain;
import io.openpaas.common.events.EventEnvelope;
import io.openpaas.common.events.Subjects;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectsTest {

    private static EventEnvelope envelope(String type, String projectId) {
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, "evt-1", "/test", type, null,
                Instant.parse("2024-01-01T00:00:00Z"), EventEnvelope.JSON, projectId, "user-1", "corr-1", null);
    }

    @Test
    void typeIsPaasDomainEvent() {
        assertEquals("paas.build.started", Subjects.type(Domain.BUILD, "started"));
        assertEquals("paas.project.created", Subjects.type(Domain.PROJECT, "created"));
        assertEquals("paas.security.token.revoked", Subjects.type(Domain.SECURITY, "token.revoked"));
    }

    @Test
    void subjectPutsTheProjectBetweenDomainAndEvent() {
        assertEquals("paas.build.p-123.started", Subjects.subjectOf(envelope("paas.build.started", "p-123")));
    }

    @Test
    void eventWithoutProjectUsesUnderscore() {
        assertEquals("_", Subjects.NO_PROJECT);
        assertEquals("paas.security._.login", Subjects.subjectOf(envelope("paas.security.login", null)));
    }

    @Test
    void dottedEventNameIsKeptWhole() {
        assertEquals("paas.deploy.p1.rollout.finished", Subjects.subjectOf(envelope("paas.deploy.rollout.finished", "p1")));
    }

    @ParameterizedTest
    @EnumSource(Domain.class)
    void subjectOfATypeFallsInItsDomainStream(Domain domain) {
        String subject = Subjects.subjectOf(envelope(Subjects.type(domain, "changed"), "pid"));
        assertEquals("paas." + domain.token() + ".pid.changed", subject);
        String streamPrefix = domain.allSubjects().substring(0, domain.allSubjects().length() - 1); // drop '>'
        assertTrue(subject.startsWith(streamPrefix), subject + " vs " + domain.allSubjects());
    }

    @ParameterizedTest
    @ValueSource(strings = { "other.build.started", "paas.build", "paas", "build.started", "paasx.build.started",
            "PAAS.build.started" })
    void typeOutsideTheSchemeIsRefused(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subjects.subjectOf(envelope(type, "p1")));
        assertTrue(e.getMessage().contains(type), e.getMessage());
    }

    @Test
    void deadLetterSubjectIsOutsidePaas() {
        assertEquals("deadletter.build-worker", Subjects.deadLetter("build-worker"));
        assertFalse(Subjects.deadLetter("paas").startsWith("paas."));
    }
}

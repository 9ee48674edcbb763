package io.openpaas.common.deadletters;

import java.time.Instant;

/** A dead letter as an admin sees it: where it came from, why it was parked, and what it was. */
public record DeadLetterView(long seq, String consumer, String originalSubject, String reason, Instant deadLetteredAt,
        String eventId, String type, String body) {
}

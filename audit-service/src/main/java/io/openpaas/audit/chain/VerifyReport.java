package io.openpaas.audit.chain;

/**
 * The outcome of recomputing the chain: how many records were checked from where, the last
 * link, and the first broken link if any.
 */
public record VerifyReport(boolean valid, long checked, long fromSeq, Long lastSeq, String lastHash, BrokenLink brokenAt) {

    /** Where the chain first does not hold, and why. */
    public record BrokenLink(long seq, String eventId, String reason) {
    }
}

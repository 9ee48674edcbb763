package io.openpaas.build.logs;

/** One stored line of build output; {@code seq} is its SSE event id. */
public record LogLine(int seq, String line) {
}

package io.openpaas.secrets.groups.api;

import java.time.Instant;
import java.util.List;

/** One version of a group: its number, its keys, and who made it when (never values). */
public record SecretVersionView(int version, List<String> keys, Instant createdAt, String createdBy) {
}

package io.openpaas.audit.chain;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How long audit-service keeps records in its database, and where archives go. */
@ConfigMapping(prefix = "openpaas.audit")
public interface AuditConfig {

    /**
     * Records older than this are archived to a file and removed, behind a checkpoint
     * ({@code OPENPAAS_AUDIT_RETENTION}, e.g. {@code P365D}). Unset: keep everything.
     */
    Optional<Duration> retention();

    /** Folder of the NDJSON archives; by default {@code <state-dir>/audit-archive}. */
    Optional<String> archiveDir();
}

package io.openpaas.common.members;

import io.openpaas.common.projection.KeyedSignals;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes requests waiting for the membership projection to learn about a project: instead of
 * polling the table, a request that found no membership waits here until the projector has
 * committed a change of that project (or its time is up), then looks once more.
 */
@ApplicationScoped
public class MembershipChanges extends KeyedSignals {
}

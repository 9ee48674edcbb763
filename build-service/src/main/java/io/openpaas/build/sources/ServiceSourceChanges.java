package io.openpaas.build.sources;

import io.openpaas.common.projection.KeyedSignals;
import jakarta.enterprise.context.ApplicationScoped;

/** Wakes build requests waiting for a service the projection has not seen yet. */
@ApplicationScoped
public class ServiceSourceChanges extends KeyedSignals {
}

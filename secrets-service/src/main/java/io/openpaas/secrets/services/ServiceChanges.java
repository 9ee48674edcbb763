package io.openpaas.secrets.services;

import io.openpaas.common.projection.KeyedSignals;
import jakarta.enterprise.context.ApplicationScoped;

/** Wakes a write waiting for a linked service the projection has not seen yet (keyed by service id). */
@ApplicationScoped
public class ServiceChanges extends KeyedSignals {
}

package io.openpaas.build.builds.service;

import io.openpaas.common.projection.KeyedSignals;
import jakarta.enterprise.context.ApplicationScoped;

/** Wakes log followers of a build when it has new lines or a new state. */
@ApplicationScoped
public class BuildSignals extends KeyedSignals {
}

package io.openpaas.project.services.api;

/** Kinds of service: a long-running web app (with ports), a background worker, or a run-to-completion job. */
public final class ServiceTypes {
    public static final String PATTERN = "webapp|worker|job";
    public static final String MESSAGE = "must be one of webapp, worker, job";
    public static final String DEFAULT = "webapp";

    private ServiceTypes() {
    }
}

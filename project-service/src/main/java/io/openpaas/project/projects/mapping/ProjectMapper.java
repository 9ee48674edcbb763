package io.openpaas.project.projects.mapping;

import io.openpaas.project.projects.Project;
import io.openpaas.project.projects.api.ProjectView;
import io.openpaas.project.projects.api.UpdateProjectRequest;

/** Entity ↔ API shapes of projects; PATCH semantics live here. */
public final class ProjectMapper {

    private ProjectMapper() {
    }

    public static ProjectView toView(Project p) {
        return new ProjectView(p.id, p.name, p.slug, p.description, p.cluster, p.createdBy, p.createdAt, p.updatedAt, p.version);
    }

    /** Applies the fields present in the request; answers whether anything changed. */
    public static boolean applyPatch(Project p, UpdateProjectRequest patch) {
        boolean changed = false;
        if (patch.name() != null && !patch.name().strip().equals(p.name)) {
            p.name = patch.name().strip();
            changed = true;
        }
        if (patch.slug() != null && !patch.slug().equals(p.slug)) {
            p.slug = patch.slug();
            changed = true;
        }
        if (patch.description() != null && !patch.description().equals(p.description)) {
            p.description = patch.description();
            changed = true;
        }
        if (patch.cluster() != null && !patch.cluster().equals(p.cluster)) {
            p.cluster = patch.cluster();
            changed = true;
        }
        return changed;
    }
}

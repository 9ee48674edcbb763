package io.openpaas.project.projects.repository;

import io.openpaas.project.projects.Project;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    private static final UUID FIRST = new UUID(0, 0);

    public Uni<Boolean> slugTaken(String slug, UUID exceptId) {
        return count("slug = ?1 and id <> ?2", slug, exceptId == null ? FIRST : exceptId).map(n -> n > 0);
    }

    /** Every project after the cursor, oldest first ({@code limit} rows at most). */
    public Uni<List<Project>> pageAll(UUID after, int limit) {
        return find("id > ?1 order by id", after == null ? FIRST : after).range(0, limit - 1).list();
    }

    /** The projects a user is a member of, after the cursor, oldest first. */
    public Uni<List<Project>> pageForMember(String userId, UUID after, int limit) {
        return find("id > ?1 and id in (select m.projectId from Membership m where m.userId = ?2) order by id",
                after == null ? FIRST : after, userId).range(0, limit - 1).list();
    }
}

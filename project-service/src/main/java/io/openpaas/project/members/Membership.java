package io.openpaas.project.members;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A user's role in a project: owner, developer or viewer. */
@Entity
@Table(name = "memberships")
@IdClass(Membership.Key.class)
public class Membership {
    @Id
    public UUID projectId;
    @Id
    public String userId;
    public String role;
    public Instant createdAt;
    @Version
    public long version;

    public static class Key implements Serializable {
        public UUID projectId;
        public String userId;

        public Key() {
        }

        public Key(UUID projectId, String userId) {
            this.projectId = projectId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(projectId, k.projectId) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(projectId, userId);
        }
    }
}

package io.openpaas.secrets.services;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A service of some project, as {@code paas.service.*} announced it: what a secret group may link. */
@Entity
@Table(name = "service_projection")
public class ServiceProjection extends PanacheEntityBase {

    @Id
    public UUID serviceId;
    public UUID projectId;
    public String slug;
    public boolean deleted;
    public Instant changedAt;
}

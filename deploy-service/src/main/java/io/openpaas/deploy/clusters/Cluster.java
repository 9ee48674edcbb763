package io.openpaas.deploy.clusters;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * A cluster services may deploy to, registered by an admin (docs/clusters.md): its kind, the
 * settings anyone may read back, and its credentials sealed with the service's key.
 */
@Entity
@Table(name = "clusters")
public class Cluster {
    @Id
    public UUID id;
    public String name;
    public String kind;
    /** {@link ClusterSettings} as JSON. */
    public String settings;
    /** {@link ClusterCredentials} as JSON, sealed (SecretCipher, the cluster's id as owner); null when none. */
    public byte[] credentials;
    public String createdBy;
    public Instant createdAt;
    @Version
    public long version;
}

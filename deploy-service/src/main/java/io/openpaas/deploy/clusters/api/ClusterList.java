package io.openpaas.deploy.clusters.api;

import java.util.List;

/**
 * The clusters a project may name ({@code local} first), and the clusters each registered Rancher
 * knows, registered here or not: registering one makes it a target.
 */
public record ClusterList(List<ClusterView> items, List<RancherClusterView> rancherClusters) {

    /** A cluster as a registered Rancher lists it; {@code error} when that Rancher could not be asked. */
    public record RancherClusterView(String rancher, String id, String name, String state, String registeredAs, String error) {
    }
}

package io.openpaas.gateway.routing;

/** A service the gateway forwards to. */
public record Upstream(String name, String host, int port) {

    public static Upstream of(String name, String url) {
        java.net.URI uri = java.net.URI.create(url);
        int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        return new Upstream(name, uri.getHost(), port);
    }
}

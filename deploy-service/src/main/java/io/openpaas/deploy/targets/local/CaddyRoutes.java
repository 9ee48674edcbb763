package io.openpaas.deploy.targets.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openpaas.deploy.targets.DeployFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reverse proxy in front of local replicas: Caddy, configured through its admin API. The
 * whole routing table is loaded at once ({@code POST /load}), so each change is atomic and Caddy
 * finishes requests in flight on the old configuration. Each host routes to the healthy replicas
 * of one service, with active health checks and retries to another replica.
 */
final class CaddyRoutes {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper mapper;
    private final String adminUrl;
    private final String listen;
    private final Map<String, Route> routes = new TreeMap<>();

    /** A host and the replicas (host:port) it routes to, checked on {@code healthPath}. */
    record Route(String host, List<String> upstreams, String healthPath) {
    }

    CaddyRoutes(ObjectMapper mapper, String adminUrl, String listen) {
        this.mapper = mapper;
        this.adminUrl = adminUrl.replaceAll("/+$", "");
        this.listen = listen;
    }

    synchronized void put(Route route) throws DeployFailure, InterruptedException {
        Route before = routes.put(route.host(), route);
        try {
            load();
        } catch (DeployFailure e) {
            if (before == null) {
                routes.remove(route.host());
            } else {
                routes.put(route.host(), before);
            }
            throw e;
        }
    }

    synchronized void remove(String host) throws DeployFailure, InterruptedException {
        if (routes.remove(host) != null) {
            load();
        }
    }

    /** The whole table at once: what deploy-service recorded, after it or the proxy restarted. */
    synchronized void replaceAll(java.util.Collection<Route> table) throws DeployFailure, InterruptedException {
        Map<String, Route> before = new TreeMap<>(routes);
        routes.clear();
        table.forEach(r -> routes.put(r.host(), r));
        try {
            load();
        } catch (DeployFailure e) {
            routes.clear();
            routes.putAll(before);
            throw e;
        }
    }

    synchronized Route get(String host) {
        return routes.get(host);
    }

    private void load() throws DeployFailure, InterruptedException {
        ObjectNode config = mapper.createObjectNode();
        config.putObject("admin").put("listen", URI.create(adminUrl).getAuthority());
        ObjectNode server = config.putObject("apps").putObject("http").putObject("servers").putObject("openpaas");
        server.putArray("listen").add(listen);
        server.putObject("automatic_https").put("disable", true);
        ArrayNode list = server.putArray("routes");
        for (Route route : routes.values()) {
            ObjectNode r = list.addObject();
            r.putArray("match").addObject().putArray("host").add(route.host());
            r.put("terminal", true);
            ObjectNode proxy = r.putArray("handle").addObject();
            proxy.put("handler", "reverse_proxy");
            ArrayNode upstreams = proxy.putArray("upstreams");
            route.upstreams().forEach(u -> upstreams.addObject().put("dial", u));
            // a request meeting a replica that just went away is tried on another one
            proxy.putObject("load_balancing").put("try_duration", "5s").put("try_interval", "100ms");
            ObjectNode active = proxy.putObject("health_checks").putObject("active");
            active.put("uri", route.healthPath()).put("interval", "2s").put("timeout", "2s");
        }
        // any other host (or a service scaled to zero): a clear 404 rather than Caddy's empty 200
        list.addObject().putArray("handle").addObject().put("handler", "static_response").put("status_code", 404)
                .put("body", "no OpenPaaS service answers at this address\n");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/load"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(config))).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new DeployFailure("the proxy refused its new routes (" + response.statusCode() + "): " + response.body());
            }
        } catch (IOException e) {
            throw new DeployFailure("the proxy's admin API at " + adminUrl + " cannot be reached: " + e.getMessage());
        }
    }
}

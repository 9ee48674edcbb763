package io.openpaas.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openpaas.gateway.routing.RouteTable;
import io.openpaas.gateway.routing.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Serves one OpenAPI document for the whole API at {@code /openapi.json}: the services'
 * documents merged (paths, schemas, tags). A service that is down is left out and named in
 * {@code x-unavailable}, so the document is always served.
 */
@ApplicationScoped
public class OpenApiAggregator {

    private final RouteTable routes;
    private final ObjectMapper mapper;
    private HttpClient client;

    public OpenApiAggregator(RouteTable routes, ObjectMapper mapper) {
        this.routes = routes;
        this.mapper = mapper;
    }

    void mount(@Observes Router router, Vertx vertx) {
        client = vertx.createHttpClient();
        router.get("/openapi.json").handler(this::serve);
    }

    private void serve(RoutingContext rc) {
        List<Future<JsonNode>> docs = new ArrayList<>();
        for (Upstream upstream : routes.upstreams()) {
            docs.add(fetch(upstream).otherwise(e -> null));
        }
        Future.join(docs).onComplete(ar -> {
            ObjectNode merged = mapper.createObjectNode();
            merged.put("openapi", "3.1.0");
            merged.putObject("info").put("title", "OpenPaaS API").put("version", "v1");
            merged.putArray("servers").addObject().put("url", "/");
            ObjectNode paths = merged.putObject("paths");
            ObjectNode schemas = merged.putObject("components").putObject("schemas");
            merged.with("components").putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                    .put("bearerFormat", "JWT");
            ArrayNode tags = merged.putArray("tags");
            ArrayNode unavailable = merged.putArray("x-unavailable");
            Set<String> seenTags = new HashSet<>();
            for (int i = 0; i < docs.size(); i++) {
                JsonNode doc = docs.get(i).result();
                if (doc == null) {
                    unavailable.add(routes.upstreams().get(i).name());
                    continue;
                }
                doc.path("paths").fields().forEachRemaining(e -> paths.set(e.getKey(), e.getValue()));
                doc.path("components").path("schemas").fields().forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
                doc.path("tags").forEach(tag -> {
                    if (seenTags.add(tag.path("name").asText())) {
                        tags.add(tag);
                    }
                });
            }
            rc.response().putHeader("Content-Type", "application/json").end(merged.toString());
        });
    }

    private Future<JsonNode> fetch(Upstream upstream) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(upstream.host()).setPort(upstream.port())
                .setURI("/q/openapi?format=json").setIdleTimeout(3000);
        return client.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body() : Future.failedFuture("status " + resp.statusCode()))
                .map(this::parse);
    }

    private JsonNode parse(Buffer body) {
        try {
            return mapper.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

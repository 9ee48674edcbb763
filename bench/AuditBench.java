import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Audit and live-event figures of bench/audit.sh (prints, asserts nothing).
 *   ingest <events> <jdbc-url>          publish events straight to JetStream, time until audit-service stored them all
 *   sse <writes> <gateway> <jwt> <pid>  API write → event received on GET /api/v1/events, p50/p99
 */
public class AuditBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ingest" -> ingest(Integer.parseInt(args[1]), args[2]);
            case "sse" -> sse(Integer.parseInt(args[1]), args[2], args[3], args[4]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void ingest(int n, String jdbc) throws Exception {
        String project = UUID.randomUUID().toString();
        // as project-service would publish (its NATS user may publish paas.project.>)
        String password = System.getenv("OPENPAAS_NATS_PASSWORD_PROJECT_SERVICE");
        io.nats.client.Options.Builder options = new io.nats.client.Options.Builder()
                .server(System.getenv().getOrDefault("OPENPAAS_NATS_URL", "nats://127.0.0.1:4222")).inboxPrefix("_INBOX_project-service");
        if (password != null) {
            options.userInfo("project-service", password);
        }
        try (Connection nats = Nats.connect(options.build())) {
            JetStream js = nats.jetStream();
            long start = System.nanoTime();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/bench\",\"type\":\"paas.project.updated\",\"subject\":\""
                        + project + "\",\"time\":\"" + Instant.now() + "\",\"datacontenttype\":\"application/json\",\"projectid\":\"" + project
                        + "\",\"actor\":\"system:bench\",\"correlationid\":\"" + id + "\",\"data\":{\"n\":" + i + "}}";
                acks.add(js.publishAsync("paas.project." + project + ".updated", null, body.getBytes(StandardCharsets.UTF_8),
                        PublishOptions.builder().messageId(id).build()));
                if (acks.size() >= 2000) {
                    acks.forEach(CompletableFuture::join);
                    acks.clear();
                }
            }
            acks.forEach(CompletableFuture::join);
            double published = (System.nanoTime() - start) / 1e9;
            long stored = 0;
            try (var db = DriverManager.getConnection(jdbc, "postgres", "")) {
                while (stored < n) {
                    try (var ps = db.prepareStatement("select count(*) from audit.audit_records where project_id = ?")) {
                        ps.setString(1, project);
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            stored = rs.getLong(1);
                        }
                    }
                    if (stored < n) {
                        Thread.sleep(100);
                    }
                }
            }
            double total = (System.nanoTime() - start) / 1e9;
            // how fast audit-service stored them once it had begun: the publisher, on the same cores, no longer in the figure
            double storing;
            try (var db = DriverManager.getConnection(jdbc, "postgres", "");
                    var ps = db.prepareStatement("select extract(epoch from max(recorded_at) - min(recorded_at)) from audit.audit_records where project_id = ?")) {
                ps.setString(1, project);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    storing = rs.getDouble(1);
                }
            }
            System.out.printf("ingest: %d events published in %.1f s (%.0f/s); all stored by audit-service after %.1f s: %.0f events/s; "
                    + "first to last stored %.1f s: %.0f events/s (target >= 5000)%n", n, published, n / published, total, n / total, storing, n / storing);
        }
    }

    static void sse(int writes, String gateway, String jwt, String project) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/events?project=" + project
                + "&types=paas.project.")).header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(l -> {
                    if (l.startsWith("data: ")) {
                        lines.add(l);
                    }
                });
            } catch (java.io.UncheckedIOException closed) {
                // the benchmark closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < writes + 20; i++) {
            String mark = "sse-" + UUID.randomUUID();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/projects/" + project))
                    .header("Authorization", "Bearer " + jwt).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\":\"" + mark + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PATCH answered " + r.statusCode() + ": " + r.body());
            }
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("event of write " + i + " never came");
                }
                if (line.contains(mark)) {
                    break;
                }
            }
            if (i >= 20) { // the first 20 warm up
                millis.add((System.nanoTime() - t0) / 1e6);
            }
            Thread.sleep(20);
        }
        Collections.sort(millis);
        System.out.printf("API write → SSE event: %d writes, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", writes,
                millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1), millis.get(millis.size() - 1));
        stream.body().close();
    }
}

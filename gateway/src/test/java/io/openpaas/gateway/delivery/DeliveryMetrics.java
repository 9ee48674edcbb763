package io.openpaas.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What running processes export on /q/metrics, against what dashboards and alert rules query (docs/operations.md). */
public final class DeliveryMetrics {

    private DeliveryMetrics() {
    }

    /** Scrapes each process (name → base URL) and fails naming every metric a dashboard or rule queries that none exports. */
    public static void assertEveryQueriedMetricIsExported(Map<String, String> processes) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Set<String>> exported = new TreeMap<>();
        for (var process : processes.entrySet()) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(process.getValue() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode(), process.getKey());
            Set<String> names = new TreeSet<>();
            for (String line : scrape.body().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            exported.put(process.getKey(), names);
        }
        Set<String> queried = DeliveryFiles.metricsNamed();
        assertTrue(queried.size() > 15, "metrics queried: " + queried);
        Set<String> missing = new TreeSet<>(queried);
        exported.values().forEach(missing::removeAll);
        assertEquals(Set.of(), missing, "queried by a dashboard or an alert rule, exported by no process");
        // every process reports its readiness, and the event pipeline's gauges come from every service with an outbox
        for (var process : exported.entrySet()) {
            assertTrue(process.getValue().contains("openpaas_ready"), process.getKey());
            if (!process.getKey().equals("gateway")) {
                assertTrue(process.getValue().contains("openpaas_outbox_oldest_age_seconds"), process.getKey());
            }
        }
    }
}

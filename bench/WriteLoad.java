import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates projects at a constant rate and prints what the caller saw (bench/run.sh; prints,
 * asserts nothing). Each latency counts from the moment the request was due, not from when it
 * was sent, so a stalled server cannot hide its queue by slowing the load (no coordinated
 * omission).
 *
 * <pre>java bench/WriteLoad.java &lt;base-url&gt; &lt;jwt&gt; &lt;rate/s&gt; &lt;seconds&gt; &lt;mark&gt;</pre>
 * The projects are named "&lt;mark&gt; &lt;n&gt;", so that bench/run.sh can find their audit rows.
 */
public class WriteLoad {

    public static void main(String[] args) throws Exception {
        String base = args[0], jwt = args[1], mark = args[4];
        double rate = Double.parseDouble(args[2]);
        int total = (int) Math.round(rate * Double.parseDouble(args[3]));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        long[] latencies = new long[total];
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        long intervalNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String body = "{\"name\":\"" + mark + " " + i + "\",\"slug\":\"" + mark + "-" + i + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/projects"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + jwt).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            int n = i;
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                latencies[n] = System.nanoTime() - due;
                String key = failure != null ? failure.getClass().getSimpleName() : Integer.toString(response.statusCode());
                statuses.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(total);
        for (long l : latencies) {
            sorted.add(l);
        }
        Collections.sort(sorted);
        System.out.printf("%d creates at %.0f/s in %.1f s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, statuses %s%n", total, rate, seconds,
                ms(sorted, 0.50), ms(sorted, 0.99), sorted.get(total - 1) / 1e6, new TreeMap<>(statuses));
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) / 1e6;
    }
}

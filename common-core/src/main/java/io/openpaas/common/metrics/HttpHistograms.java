package io.openpaas.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * HTTP server latency as a Prometheus histogram ({@code http_server_requests_seconds_bucket}),
 * so that dashboards and alerts take p50/p99 across replicas (docs/operations.md). A dozen fixed
 * buckets, from 1 ms to 10 s, keep the series few.
 */
public class HttpHistograms {

    private static final double[] SLOS_NANOS = java.util.Arrays.stream(new double[] {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000})
            .map(ms -> ms * 1_000_000).toArray();

    @Produces
    @Singleton
    MeterFilter httpServerBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("http.server.requests")) {
                    return config;
                }
                // a timer's service-level objectives are in nanoseconds
                return DistributionStatisticConfig.builder().serviceLevelObjectives(SLOS_NANOS).build().merge(config);
            }
        };
    }
}

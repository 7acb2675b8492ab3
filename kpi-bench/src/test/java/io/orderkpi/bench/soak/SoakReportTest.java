package io.orderkpi.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's verdicts from given figures: each check fails on what it is there to catch. */
class SoakReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOAK = Duration.ofMinutes(5);
    private static final long MIB = 1L << 20;

    private final SoakOptions options = SoakOptions.parse("5");

    /** A healthy run: 2xx only, drained, no difference, flat samples, the same keys. */
    private SoakReport.Builder healthy() {
        SoakReport.Builder report = new SoakReport.Builder(options);
        report.traffic(Map.of("POST /imports?process=true", Map.of(202, 30L), "GET /analytics/daily", Map.of(200, 900L),
                "POST /orders/{id}/refunds partial again", Map.of(200, 50L)), Map.of(), 2_400, 30, 600, 200, 200, 0,
                null);
        report.processed(2_000);
        report.drained(Duration.ofSeconds(4));
        report.verify(JSON.createArrayNode());
        report.samples(samples(40 * MIB, 40 * MIB, 50, 50, 16));
        Map<String, SoakRedis.KeyGroup> keys = Map.of("{jobs}:q:refunds:stream", new SoakRedis.KeyGroup(1, 2_000),
                "{jobs}:dedup:<n>", new SoakRedis.KeyGroup(3, 300));
        report.redisBaseline(keys);
        report.redisAtEnd(keys);
        return report;
    }

    /** One sample every 10 s, heap and threads moving linearly from the first to the last value. */
    private static List<Sample> samples(long heapFrom, long heapTo, int threadsFrom, int threadsTo, int connections) {
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s <= SOAK.toSeconds(); s += 10) {
            double at = s / (double) SOAK.toSeconds();
            samples.add(new Sample(Duration.ofSeconds(s), Math.round(heapFrom + (heapTo - heapFrom) * at),
                    (int) Math.round(threadsFrom + (threadsTo - threadsFrom) * at), connections));
        }
        return samples;
    }

    private static List<String> failed(SoakReport report) {
        return report.checks().stream().filter(check -> !check.passed()).map(Check::name).toList();
    }

    @Test
    void aHealthyRunPassesEveryCheck() {
        SoakReport report = healthy().build();

        assertThat(report.checks()).extracting(Check::name).containsExactlyElementsOf(SoakReport.ALL);
        assertThat(failed(report)).isEmpty();
        assertThat(report.passed()).isTrue();
    }

    @Test
    void anyNonSuccessStatusOrUnansweredRequestFailsAndIsCountedByStatus() {
        SoakReport.Builder builder = healthy();
        builder.traffic(Map.of("POST /imports?process=true", Map.of(202, 28L, 429, 2L), "GET /analytics/daily",
                Map.of(200, 899L, Api.NO_ANSWER, 1L)), Map.of("POST /imports?process=true 429", "{}"), 2_400, 28, 600,
                200, 200, 0, null);

        SoakReport report = builder.build();

        assertThat(failed(report)).containsExactly(SoakReport.NO_HTTP_ERRORS);
        assertThat(report.check(SoakReport.NO_HTTP_ERRORS).detail()).contains("429 × 2", "0 × 1");
    }

    @Test
    void aGrowingHeapFailsButNoiseWithinTheSlackDoesNot() {
        SoakReport.Builder growing = healthy();
        growing.samples(samples(40 * MIB, 80 * MIB, 50, 50, 16));
        SoakReport.Builder noisy = healthy();
        noisy.samples(samples(20 * MIB, 26 * MIB, 50, 50, 16));

        assertThat(failed(growing.build())).containsExactly(SoakReport.HEAP);
        assertThat(failed(noisy.build())).isEmpty();
    }

    @Test
    void growingThreadsOrConnectionsFail() {
        SoakReport.Builder threads = healthy();
        threads.samples(samples(40 * MIB, 40 * MIB, 50, 70, 16));
        SoakReport.Builder connections = healthy();
        List<Sample> samples = new ArrayList<>(samples(40 * MIB, 40 * MIB, 50, 50, 16));
        samples.set(samples.size() - 1, new Sample(SOAK, 40 * MIB, 50, 17));
        connections.samples(samples);

        assertThat(failed(threads.build())).containsExactly(SoakReport.THREADS);
        assertThat(failed(connections.build())).containsExactly(SoakReport.CONNECTIONS);
    }

    @Test
    void moreKeysWithoutTtlOfAShapeWithAnIdFail() {
        SoakReport.Builder report = healthy();
        report.redisAtEnd(Map.of("{jobs}:q:refunds:stream", new SoakRedis.KeyGroup(1, 9_000),
                "{jobs}:dedup:<n>", new SoakRedis.KeyGroup(90, 9_000)));

        SoakReport built = report.build();

        assertThat(failed(built)).containsExactly(SoakReport.REDIS_KEYS);
        assertThat(built.check(SoakReport.REDIS_KEYS).detail()).contains("{jobs}:dedup:<n> 3 → 90");
    }

    @Test
    void differencesAQueueThatDoesNotDrainAndWrongRepeatsFail() {
        SoakReport.Builder report = healthy();
        report.verify(JSON.createArrayNode().add("2026-12-01 total_revenue: kpi 10.00, records 12.00"));
        report.drained(null);
        report.traffic(Map.of("GET /analytics/daily", Map.of(200, 10L)), Map.of(), 80, 1, 4, 2, 1, 0, null);

        assertThat(failed(report.build())).containsExactly(SoakReport.REPEATED_REFUNDS, SoakReport.DRAINED,
                SoakReport.VERIFY);
    }

    @Test
    void trafficThatDidNotRunOrFailedInTheDriverFails() {
        SoakReport.Builder report = healthy();
        report.traffic(Map.of("GET /analytics/daily", Map.of(200, 10L), "POST /orders/{id}/refunds partial again",
                Map.of(200, 1L)), Map.of(), 0, 0, 2, 1, 1, 1, "java.lang.IllegalStateException: boom");

        SoakReport built = report.build();

        assertThat(failed(built)).containsExactly(SoakReport.TRAFFIC);
        assertThat(built.check(SoakReport.TRAFFIC).detail()).contains("boom");
    }

    @Test
    void keyShapesHideIdsNumbersAndDates() {
        assertThat(SoakRedis.shape("p", "p:{jobs}:job:5aaff997-e3b7-49f4-8ab6-966dc4d7b0c1"))
                .isEqualTo("{jobs}:job:<uuid>");
        assertThat(SoakRedis.shape("p", "p:{2026-11-25}:applied")).isEqualTo("{<date>}:applied");
        assertThat(SoakRedis.shape("p", "p:{jobs}:q:notifications:done:29935524"))
                .isEqualTo("{jobs}:q:notifications:done:<n>");
        assertThat(SoakRedis.shape("p", "p:{jobs}:q:order-processing:stream"))
                .isEqualTo("{jobs}:q:order-processing:stream");
    }
}

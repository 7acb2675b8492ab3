package io.orderkpi.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tiny iteration of every workload: the table and the JSON are well-formed; no time is asserted. */
class BenchSmokeTest {

    private static final List<String> IDS = List.of("P1", "P2", "P3", "P4", "P5", "P5-db", "P6", "P7", "P8", "P9",
            "P10-mysql", "P10-redis");
    /** The workloads that need nothing but this JVM, so they must measure wherever the build runs. */
    private static final Set<String> IN_MEMORY = Set.of("P1", "P4", "P5", "P6");

    @TempDir
    Path dir;

    @Test
    void everyWorkloadRunsOnceAndReportsAPositiveRatioOrWhyItDidNotRun() throws Exception {
        Path json = dir.resolve("latest.json");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Bench.run(new Bench.Options(Mode.SMOKE, Set.of(), json), new PrintStream(printed, true, StandardCharsets.UTF_8));

        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("workload", "ours", "limit", "ratio", "goal", "spread");
        for (String id : IDS) {
            assertThat(table).containsPattern("(?m)^" + id + " ");
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("mode").asText()).isEqualTo("smoke");
        List<String> ids = new ArrayList<>();
        for (JsonNode workload : root.get("workloads")) {
            String id = workload.get("id").asText();
            ids.add(id);
            assertThat(workload.get("machine").get("processors").asInt()).isPositive();
            if (IN_MEMORY.contains(id)) {
                assertThat(workload.has("not_run")).as("%s did not run: %s", id, workload.path("not_run")).isFalse();
            }
            if (workload.has("not_run")) {
                // Only a missing back-end excuses a workload; one that broke fails the build.
                assertThat(workload.get("not_run").asText()).as(id).contains("not reachable")
                        .doesNotStartWith("failed");
                assertThat(workload.has("ratio")).isFalse();
            } else {
                double ratio = workload.get("ratio").asDouble();
                assertThat(ratio).as(id).isPositive().isFinite();
                assertThat(workload.get("min").asDouble()).isLessThanOrEqualTo(ratio);
                assertThat(workload.get("max").asDouble()).isGreaterThanOrEqualTo(ratio);
                assertThat(workload.get("ours").asDouble()).isPositive();
                assertThat(workload.get("limit").asDouble()).isPositive();
                assertThat(workload.get("runs").asInt()).isEqualTo(Mode.SMOKE.runs());
                assertThat(workload.get("unit").asText()).isNotBlank();
            }
        }
        assertThat(ids).containsExactlyElementsOf(IDS);
    }

    @Test
    void onlyRunsTheNamedWorkloads() throws Exception {
        Path json = dir.resolve("only.json");

        Report report = Bench.run(new Bench.Options(Mode.SMOKE, Set.of("P4", "P1"), json),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(report.rows()).extracting(row -> row.workload().id()).containsExactly("P1", "P4");
    }

    @Test
    void aNumberPicksEveryVariantOfItsWorkload() {
        List<String> picked = Bench.workloads(dir).stream().filter(w -> Bench.selected(Set.of("P5", "P10"), w))
                .map(Workload::id).toList();

        assertThat(picked).containsExactly("P5", "P5-db", "P10-mysql", "P10-redis");
        assertThat(Bench.workloads(dir).stream().filter(w -> Bench.selected(Set.of("P10-REDIS"), w))
                .map(Workload::id)).containsExactly("P10-redis");
        assertThat(Bench.Options.parse("--quick", "--only", "p5-db").only()).containsExactly("P5-DB");
    }

    @Test
    void theCommandLineNeedsAModeAndKnownWorkloads() {
        assertThat(Bench.Options.parse("--full", "--only", "p1,P6").only()).containsExactlyInAnyOrder("P1", "P6");
        assertThat(Bench.Options.parse("--quick").mode()).isEqualTo(Mode.QUICK);
        assertThatThrownBy(() -> Bench.Options.parse()).hasMessageContaining("--quick");
        assertThatThrownBy(() -> Bench.Options.parse("--quick", "--full")).hasMessageContaining("one of");
        assertThatThrownBy(() -> Bench.Options.parse("--quick", "--only", "P11")).hasMessageContaining("P11");
        assertThatThrownBy(() -> Bench.Options.parse("--quick", "--only", "P5-x")).hasMessageContaining("P5-X");
        assertThatThrownBy(() -> Bench.Options.parse("--quick", "--only")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Bench.Options.parse("--fast")).hasMessageContaining("unknown argument: --fast");
    }

    @Test
    void aMeasuredOutcomePairsRunsAndRefusesNonPositiveFigures() {
        Outcome.Measured measured = new Outcome.Measured(List.of(10.0, 30.0, 20.0), List.of(20.0, 30.0, 80.0),
                java.util.Map.of());

        assertThat(measured.ratios()).containsExactly(0.5, 1.0, 0.25);
        assertThat(measured.ratio()).isEqualTo(0.5);
        assertThat(measured.minRatio()).isEqualTo(0.25);
        assertThat(measured.maxRatio()).isEqualTo(1.0);
        assertThat(measured.ours()).isEqualTo(20.0);
        assertThat(Outcome.Measured.median(List.of(1.0, 2.0, 3.0, 4.0))).isEqualTo(2.5);
        assertThatThrownBy(() -> new Outcome.Measured(List.of(0.0), List.of(1.0), java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Outcome.Measured(List.of(1.0), List.of(), java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

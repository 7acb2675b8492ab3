package io.orderkpi.examples;

import static io.orderkpi.examples.PrintedOutput.body;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.order.Money;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportAndReportExampleTest {

    static final List<String> METRICS = List.of("Metric", "Value");
    static final List<String> LEADERBOARD = List.of("Rank", "Customer ID", "Total Spent");
    static final String MONEY = "\\$\\d{1,3}(,\\d{3})*\\.\\d{2}";

    @TempDir
    Path dir;

    Path csv;
    SampleRows sample;

    @BeforeEach
    void writeTheSample() throws Exception {
        csv = dir.resolve("sample_orders.csv");
        ImportAndReportExample.writeSample(csv);
        sample = SampleRows.read(csv);
    }

    @Test
    void importsAndProcessesTheSampleAndPrintsTheChosenDaysReport() {
        LocalDate day = LocalDate.of(2025, 11, 15);

        String output = PrintedOutput.of(out -> ImportAndReportExample.run(out, csv, Optional.of(day)));

        assertThat(output).contains("Imported sample_orders.csv: 500 rows read, 500 imported, 0 skipped (existing),"
                + " 0 rejected");
        // Every order ends final: nothing is left pending or in a step.
        assertThat(output).contains("Orders by status: {completed=344, cancelled=144, partially_refunded=4,"
                + " refunded=8}");
        assertThat(output).contains("Daily Report for 2025-11-15");
        // Seeded draws make these exact; 46 / 67 = 68.66 %, 29,469.42 / 46 = 640.64 (HALF_UP).
        assertThat(body(output, METRICS)).containsExactly(
                List.of("Total Revenue", "$29,469.42"),
                List.of("Order Count", "67"),
                List.of("Successful Orders", "46"),
                List.of("Failed Orders", "21"),
                List.of("Conversion Rate", "68.66%"),
                List.of("Average Order Value", "$640.64"),
                List.of("Unique Customers", "33"),
                List.of("Refund Amount", "$0.00"));
        assertThat(body(output, LEADERBOARD)).startsWith(
                List.of("1", "CUST-00001", "$5,061.67"),
                List.of("2", "CUST-00064", "$2,316.09"),
                List.of("3", "CUST-00002", "$2,063.75"));
        assertMatchesTheFile(output, day);
    }

    @Test
    void reportsTheBusiestDayWhenNoDateIsGiven() {
        Map<LocalDate, Long> perDay = sample.rows().stream().collect(groupingBy(
                row -> LocalDate.ofInstant(Instant.parse(row.get("placed_at")), ZoneOffset.UTC), counting()));
        LocalDate busiest = Collections.max(perDay.entrySet(), Map.Entry.comparingByValue()).getKey();
        assertThat(busiest).isEqualTo(LocalDate.of(2025, 11, 10));

        String output = PrintedOutput.of(out -> ImportAndReportExample.run(out, csv, Optional.empty()));

        assertThat(output).contains("Daily Report for 2025-11-10");
        // Orders imported as refunded count as completed plus a full refund on their placed day.
        assertThat(body(output, METRICS)).contains(
                List.of("Total Revenue", "$40,503.38"),
                List.of("Order Count", "86"),
                List.of("Refund Amount", "$1,760.93"));
        assertMatchesTheFile(output, busiest);
    }

    /** What the file alone decides, whatever the simulation drew, and the report's own arithmetic. */
    private void assertMatchesTheFile(String output, LocalDate day) {
        Map<String, String> metrics = new HashMap<>();
        body(output, METRICS).forEach(row -> metrics.put(row.get(0), row.get(1)));
        List<Map<String, String>> rows = sample.placedOn(day);

        // Every order of the day ends completed or cancelled, so each one counts.
        assertThat(metrics.get("Order Count")).isEqualTo(Integer.toString(rows.size()));
        assertThat(Long.parseLong(metrics.get("Successful Orders")) + Long.parseLong(metrics.get("Failed Orders")))
                .isEqualTo(rows.size());
        assertThat(Long.parseLong(metrics.get("Failed Orders")))
                .isGreaterThanOrEqualTo(rows.stream().filter(row -> row.get("status").equals("failed")).count());
        assertThat(metrics.get("Refund Amount")).isEqualTo(Reports.money(SampleRows.total(rows, "refunded")));

        assertThat(metrics.get("Total Revenue")).matches(MONEY);
        assertThat(metrics.get("Average Order Value")).matches(MONEY);
        assertThat(metrics.get("Conversion Rate")).matches("\\d{1,3}\\.\\d{2}%");

        List<List<String>> leaderboard = body(output, LEADERBOARD);
        assertThat(leaderboard).hasSize(10);
        for (int i = 0; i < leaderboard.size(); i++) {
            assertThat(leaderboard.get(i).get(0)).isEqualTo(Integer.toString(i + 1));
            assertThat(leaderboard.get(i).get(2)).matches(MONEY);
        }
        assertThat(leaderboard).extracting(row -> Money.parse(row.get(2).replace("$", "").replace(",", "")))
                .isSortedAccordingTo(Comparator.reverseOrder());
    }
}

package io.orderkpi.examples;

import static io.orderkpi.examples.PrintedOutput.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingExampleTest {

    @Test
    void completesEveryOrderAndPrintsTheDaysKpisAndLeaderboard() {
        String output = PrintedOutput.of(EmbeddingExample::run);

        List<List<String>> orders = body(output, List.of("Order", "Customer", "Total", "Status", "Payment Reference"));
        assertThat(orders).extracting(row -> row.subList(0, 4)).containsExactly(
                List.of("EX-1001", "CUST-ANN", "$114.99", "completed"),
                List.of("EX-1002", "CUST-BOB", "$149.00", "completed"),
                List.of("EX-1003", "CUST-ANN", "$72.00", "completed"));
        assertThat(orders).extracting(row -> row.get(4)).allMatch(reference -> reference.matches("PAY-[0-9A-F]{12}"));

        // 2 × 12.50 + 89.99 = 114.99; + 149.00 + 72.00 = 335.99 over 3 orders; Ann 186.99.
        assertThat(output).contains("Daily Report for 2025-11-16");
        assertThat(body(output, List.of("Metric", "Value"))).containsExactly(
                List.of("Total Revenue", "$335.99"),
                List.of("Order Count", "3"),
                List.of("Successful Orders", "3"),
                List.of("Failed Orders", "0"),
                List.of("Conversion Rate", "100.00%"),
                List.of("Average Order Value", "$112.00"),
                List.of("Unique Customers", "2"),
                List.of("Refund Amount", "$0.00"));
        assertThat(body(output, List.of("Rank", "Customer ID", "Total Spent"))).containsExactly(
                List.of("1", "CUST-ANN", "$186.99"),
                List.of("2", "CUST-BOB", "$149.00"));
    }

    @Test
    void linesUpTheColumnsOfEveryTable() {
        String output = PrintedOutput.of(EmbeddingExample::run);

        assertThat(PrintedOutput.tables(output)).hasSize(3).allSatisfy(table -> {
            assertThat(table).extracting(String::length).containsOnly(table.get(0).length());
            assertThat(table.get(0)).matches("\\+(-+\\+)+");
        });
    }
}

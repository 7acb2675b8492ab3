package io.orderkpi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table layout and value formats, from BigDecimal and recorded JSON. */
class TablesTest {

    @Test
    void moneyIsFormattedFromTheExactDecimal() throws Exception {
        assertThat(Tables.money(new BigDecimal("15234.50"))).isEqualTo("$15,234.50");
        assertThat(Tables.money(new BigDecimal("1234567.005"))).isEqualTo("$1,234,567.01");
        assertThat(Tables.money(new BigDecimal("0"))).isEqualTo("$0.00");
        assertThat(Tables.money(new BigDecimal("-5"))).isEqualTo("-$5.00");
        // A value a double would turn into 0.30000000000000004 or round down.
        JsonNode node = ApiClient.MAPPER.readTree("{\"a\":9007199254740993.10,\"b\":94.4}");
        assertThat(Tables.money(node.get("a"))).isEqualTo("$9,007,199,254,740,993.10");
        assertThat(Tables.percent(node.get("b"))).isEqualTo("94.40%");
        assertThat(Tables.money(node.get("missing"))).isEqualTo("-");
    }

    @Test
    void theJsonReaderKeepsTheScaleOfMoney() throws Exception {
        JsonNode node = ApiClient.MAPPER.readTree("{\"total_revenue\":15234.50}");

        assertThat(node.get("total_revenue").decimalValue().toPlainString()).isEqualTo("15234.50");
        assertThat(ApiClient.MAPPER.writeValueAsString(node)).contains("15234.50");
    }

    @Test
    void aTableIsBoxedAsTheSeedPrintsIt() {
        StringWriter text = new StringWriter();
        Tables.print(new PrintWriter(text, true), List.of("Rank", "Customer ID"), List.of(List.of("1", "CUST-1")));

        assertThat(text.toString().lines()).containsExactly(
                "+------+-------------+",
                "| Rank | Customer ID |",
                "+------+-------------+",
                "| 1    | CUST-1      |",
                "+------+-------------+");
    }

    @Test
    void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
        assertThat(Csv.field("CUST-1")).isEqualTo("CUST-1");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void importProgressDrawsABarAndCountsRows() throws Exception {
        assertThat(ImportProgress.bar(0, 100)).isEqualTo("[" + "-".repeat(30) + "]");
        assertThat(ImportProgress.bar(50, 100)).isEqualTo("[" + "#".repeat(15) + "-".repeat(15) + "]");
        assertThat(ImportProgress.percent(333, 1000)).isEqualTo(33);
        assertThat(ImportProgress.bytes(3 * 1024 * 1024 / 2)).isEqualTo("1.5 MiB");
        assertThat(ImportProgress.rowsPerSecond(5000, 2000)).isEqualTo(2500);
        JsonNode status = ApiClient.MAPPER.readTree("{\"state\":\"running\",\"rows_read\":12000,\"imported\":11900,"
                + "\"skipped_existing\":50,\"rejected\":50}");
        assertThat(ImportProgress.counters(status, 2500))
                .isEqualTo("running: 12000 rows read (2500 rows/s), 11900 imported, 50 skipped, 50 rejected");
    }

    @Test
    void onATerminalTheProgressRedrawsOneLineAtABoundedRate() {
        StringWriter text = new StringWriter();
        long[] now = {0};
        ImportProgress progress = new ImportProgress(new PrintWriter(text, true), true, () -> now[0]);

        progress.uploaded(10, 100);
        progress.uploaded(20, 100);
        now[0] = 200;
        progress.uploaded(100, 100);
        progress.finished();

        assertThat(text.toString()).startsWith("\rUploading [###").doesNotContain("20%")
                .contains("\rUploading [" + "#".repeat(30) + "] 100%").endsWith(System.lineSeparator());
    }
}

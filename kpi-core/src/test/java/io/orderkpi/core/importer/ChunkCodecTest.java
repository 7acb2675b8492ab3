package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

    @Test
    void carriesEveryFieldOfAChunkThroughItsPayloadUnchanged() {
        NewOrder tricky = new NewOrder("N-1", "cust.1", "Zo\u00eb \"Z\", Jr.\nSecond line", "z@example.com",
                OrderStatus.REFUNDED, Money.parse("12.34"), "USD",
                List.of(new OrderItem("P1", "Pen, blue", "S-1", 2, Money.parse("1.50")),
                        new OrderItem("P2", "", "", 1, Money.parse("9.34"))),
                Instant.parse("2025-11-15T10:15:30.123Z"));
        NewOrder plain = new NewOrder("N-2", "c2", "", "", OrderStatus.PENDING, Money.parse("1.00"), "USD",
                List.of(new OrderItem("P3", "Cup", "S3", 1, Money.parse("1.00"))), Instant.parse("2025-11-15T00:00:00Z"));
        ImportChunk chunk = new ImportChunk("imp-1", 7, 42, 3,
                List.of(new ImportChunk.Row(42, tricky), new ImportChunk.Row(45, plain)),
                List.of(new RejectedRow(44, "N-x", "total_amount: must be greater than 0, \"really\"")), true);

        ImportChunk decoded = ChunkCodec.decode(ChunkCodec.encode(chunk));

        assertThat(decoded).isEqualTo(chunk);
    }

    @Test
    void carriesTheRecordOfEachRejectedRow() {
        ImportChunk chunk = new ImportChunk("imp-3", 0, 2, 4, List.of(),
                List.of(new RejectedRow(2, "N-1", "total_amount: required",
                                List.of(" N-1 ", "a, \"b\"\r\nc", "", "\uD83D\uDE00")),
                        new RejectedRow(4, "", "row: holds no value, only separators or spaces", List.of("")),
                        new RejectedRow(5, "", "row: holds no value, only separators or spaces", List.of("", "")),
                        new RejectedRow(6, "N-4", "row: longer than 65536 bytes")), true);

        ImportChunk decoded = ChunkCodec.decode(ChunkCodec.encode(chunk));

        assertThat(decoded).isEqualTo(chunk);
        assertThat(decoded.rejected().get(1).fields()).containsExactly("");
        assertThat(decoded.rejected().get(3).hasFields()).isFalse();
    }

    @Test
    void carriesAnEmptyChunk() {
        ImportChunk empty = new ImportChunk("imp-2", 0, 0, 0, List.of(), List.of(), true);

        assertThat(ChunkCodec.decode(ChunkCodec.encode(empty))).isEqualTo(empty);
    }

    @Test
    void refusesAPayloadThatIsNotAChunk() {
        assertThatThrownBy(() -> ChunkCodec.decode("hello,world\n")).isInstanceOf(IllegalArgumentException.class);
    }
}

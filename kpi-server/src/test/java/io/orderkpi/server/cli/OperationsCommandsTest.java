package io.orderkpi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orders, refunds, notifications, queue and outbox commands against a real server over HTTP. */
class OperationsCommandsTest {

    @TempDir
    Path serverDir;

    @TempDir
    Path dir;

    OrderKpiServer server;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        server = TestServers.start(serverDir, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        Map<String, String> env = new HashMap<>();
        env.put("ORDERKPI_URL", server.uri().toString());
        return new OrderKpiCli(env, dir, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void importsAFileWithItsRejectedRowsThenListsProcessesRefundsAndShowsTheQueues() throws Exception {
        Path csv = dir.resolve("orders.csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(120).seed(9).days(3).now(Instant.now()).build());
        Files.writeString(csv, "ORD-BAD-1,c1,Ann,a@example.com,pending,-5,USD,,P1,Pen,S1,1,1.00\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThat(run("orders", "import", csv.toString(), "--process")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("120").contains("rejected");
        Path rejected = dir.resolve("orders.csv.rejected.csv");
        assertThat(rejected).exists();
        assertThat(Files.readString(rejected)).contains("ORD-BAD-1").contains("total_amount");
        assertThat(server.kpi().awaitIdle(Duration.ofSeconds(30))).isTrue();

        assertThat(run("orders", "import", csv.toString())).isZero();
        assertThat(out.toString().toLowerCase()).contains("already imported");

        assertThat(run("orders", "list", "--status", "completed", "--limit", "5")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Found 5 order(s):").contains("completed");
        assertThat(run("orders", "list", "--customer-id", "nobody")).isZero();
        assertThat(out.toString()).contains("No orders found.");

        long completedId = server.kpi().records().orders()
                .list(io.orderkpi.core.spi.OrderQuery.firstPage(1).withStatus(OrderStatus.COMPLETED))
                .items().get(0).id();
        assertThat(run("orders", "process", Long.toString(completedId))).isEqualTo(1);
        assertThat(err.toString()).contains("already completed");

        assertThat(run("refunds", "process", Long.toString(completedId), "--type", "partial", "--amount", "1.00",
                "--refund-id", "cli-r1")).as(err.toString()).isZero();
        assertThat(server.kpi().awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(run("refunds", "list", "--order-id", Long.toString(completedId))).isZero();
        assertThat(out.toString()).contains("cli-r1");

        assertThat(run("notifications", "list", "--order-id", Long.toString(completedId), "--status", "sent"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("order_completed");

        assertThat(run("queue", "status")).isZero();
        assertThat(out.toString()).contains("order-processing").contains("notifications");
        assertThat(run("queue", "pause", "refunds")).isZero();
        assertThat(server.kpi().jobs().isPaused("refunds")).isTrue();
        assertThat(run("queue", "continue", "refunds")).isZero();
        assertThat(server.kpi().jobs().isPaused("refunds")).isFalse();
        assertThat(run("queue", "failed")).isZero();
        assertThat(out.toString()).contains("No failed jobs.");
        assertThat(run("queue", "pause", "no-such-queue")).isEqualTo(1);
    }

    @Test
    void listsAndRedeliversDeadLettersOfTheOutbox() {
        Outbox outbox = server.kpi().records().outbox();
        Order order = server.kpi().createOrder(new NewOrder("DL-CLI-1", "c1", "Ann", "ann@example.com",
                OrderStatus.PENDING, Money.parse("5.00"), "USD", List.of(new OrderItem("P1", "Pen", "S1", 1,
                        Money.parse("5.00"))), Instant.now()));
        server.kpi().records().orders().transition(order.id(), OrderStatus.PENDING, OrderStatus.CANCELLED,
                OrderChanges.none(), List.of(NewEvent.of(EventType.ORDER_FAILED, Map.of("reason", "test"))));
        long sequence = outbox.eventsOf(order.id()).get(0).sequence();
        // A subscriber no running process has ("audit"), so the dead letters stay as the test puts them.
        assertThat(run("outbox", "dead-letters")).isZero();
        assertThat(out.toString()).contains("No dead letters.");
        outbox.deadLetter("audit", 1, sequence, "IllegalStateException: audit log full\n\tat Audit.handle");

        assertThat(run("outbox", "dead-letters", "--subscriber", "audit")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Found 1 dead letter(s):").contains("| audit ")
                .contains("| " + sequence + " ").contains("| " + order.id() + " ").contains("OrderFailed")
                .contains("IllegalStateException: audit log full").doesNotContain("Audit.handle")
                .contains("outbox redeliver SUBSCRIBER SEQUENCE");
        assertThat(run("outbox", "dead-letters", "--subscriber", "nobody")).isEqualTo(1);
        assertThat(err.toString()).contains("nobody");

        assertThat(run("outbox", "redeliver", "audit", Long.toString(sequence))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Dead letter " + sequence + " of audit queued for delivery.");
        assertThat(outbox.deadLetterCount("audit")).isZero();
        assertThat(outbox.pending("audit", 10)).extracting(OutboxEvent::sequence).containsExactly(sequence);
        assertThat(run("outbox", "redeliver", "audit", Long.toString(sequence))).isEqualTo(1);

        outbox.deadLetter("audit", 1, sequence, "IllegalStateException: again");
        assertThat(run("outbox", "redeliver", "audit", "--all")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1 dead letter(s) of audit queued for delivery.");
        assertThat(run("outbox", "redeliver", "--all")).isZero();
        assertThat(out.toString()).contains("0 dead letter(s) queued for delivery.");

        assertThat(run("outbox", "redeliver", "audit")).isEqualTo(2);
        assertThat(run("outbox", "redeliver", "audit", Long.toString(sequence), "--all")).isEqualTo(2);
        assertThat(run("outbox", "redeliver")).isEqualTo(2);
    }
}

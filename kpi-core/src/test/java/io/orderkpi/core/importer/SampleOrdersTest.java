package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleOrdersTest {

    private static final Instant NOW = Instant.parse("2025-06-15T14:30:45.123Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static SampleOrders.Options options(int count, long seed) {
        return SampleOrders.Options.builder().count(count).seed(seed).days(30).now(NOW).zone(BERLIN)
                .currency("USD").build();
    }

    private static String sample(SampleOrders.Options options) {
        StringWriter out = new StringWriter();
        SampleOrders.write(out, options);
        return out.toString();
    }

    private static List<ParsedRow> parse(String csv) {
        List<ParsedRow> rows = new ArrayList<>();
        ImportSettings settings = new ImportSettings("USD", BERLIN, NOW);
        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), settings)) {
            reader.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static List<NewOrder> orders(SampleOrders.Options options) {
        List<ParsedRow> rows = parse(sample(options));
        assertThat(rows).allSatisfy(row -> assertThat(row).isInstanceOf(ParsedRow.Valid.class));
        return rows.stream().map(row -> ((ParsedRow.Valid) row).order()).toList();
    }

    @Test
    void writesTheSameFileForTheSameOptions() {
        assertThat(sample(options(500, 7))).isEqualTo(sample(options(500, 7)));
    }

    @Test
    void writesOtherOrdersForAnotherSeedWithoutSharingOrderNumbers() {
        List<NewOrder> first = orders(options(300, 7));
        List<NewOrder> second = orders(options(300, 8));

        assertThat(sample(options(300, 7))).isNotEqualTo(sample(options(300, 8)));
        Set<String> numbers = first.stream().map(NewOrder::orderNumber).collect(Collectors.toSet());
        assertThat(second).noneMatch(order -> numbers.contains(order.orderNumber()));
    }

    @Test
    void writesTheRequestedNumberOfOrders() {
        assertThat(orders(options(1, 1))).hasSize(1);
        assertThat(orders(options(1_234, 1))).hasSize(1_234);
    }

    @Test
    void writesOnlyTheHeaderForZeroOrders() {
        assertThat(sample(options(0, 1))).isEqualTo("order_number,customer_id,customer_name,customer_email,status,"
                + "total_amount,currency,placed_at,"
                + "item1_product_id,item1_product_name,item1_sku,item1_quantity,item1_unit_price,"
                + "item2_product_id,item2_product_name,item2_sku,item2_quantity,item2_unit_price,"
                + "item3_product_id,item3_product_name,item3_sku,item3_quantity,item3_unit_price\n");
    }

    @Test
    void writesRowsThatTheReaderAcceptsEveryOne() {
        List<ParsedRow> rows = parse(sample(options(3_000, 99)));

        assertThat(rows).hasSize(3_000).allSatisfy(row -> assertThat(row).isInstanceOf(ParsedRow.Valid.class));
    }

    @Test
    void totalsEachOrderExactlyFromOneToThreeItems() {
        for (NewOrder order : orders(options(2_000, 3))) {
            Money sum = order.items().stream().map(OrderItem::totalPrice).reduce(Money.ZERO, Money::plus);
            assertThat(order.totalAmount()).isEqualTo(sum);
            assertThat(order.items()).hasSizeBetween(1, 3);
            assertThat(order.items()).extracting(OrderItem::productId).doesNotHaveDuplicates();
            assertThat(order.items()).allSatisfy(item -> assertThat(item.unitPrice().cents()).isBetween(500L, 50_000L));
            assertThat(order.currency()).isEqualTo("USD");
        }
    }

    @Test
    void writesTheGivenCurrency() {
        String csv = sample(SampleOrders.Options.builder().count(20).now(NOW).currency("eur").build());

        assertThat(csv.lines().skip(1)).allSatisfy(line -> assertThat(line).contains(",EUR,"));
    }

    @Test
    void writesNamesThatNeedQuotingAndNamesThatAreNotAscii() {
        List<String> names = orders(options(2_000, 5)).stream().map(NewOrder::customerName).distinct().toList();

        assertThat(names).anyMatch(name -> name.contains("\""));
        assertThat(names).anyMatch(name -> name.contains(","));
        assertThat(names).anyMatch(name -> name.contains("\n"));
        assertThat(names).contains("Zoë Ångström", "José Müller", "李雷");
    }

    @Test
    void derivesEmailsFromCustomerIds() {
        assertThat(orders(options(200, 5))).allSatisfy(order -> assertThat(order.customerEmail())
                .isEqualTo(order.customerId().toLowerCase(java.util.Locale.ROOT) + "@example.com"));
    }

    @Test
    void placesOrdersInTimeOrderWithinTheLastDaysUpToNow() {
        List<Instant> placed = orders(options(2_000, 11)).stream().map(NewOrder::placedAt).toList();

        assertThat(placed).allSatisfy(at -> assertThat(at).isBetween(NOW.minus(Duration.ofDays(30)), NOW));
        assertThat(placed).isSorted();
        assertThat(placed).allSatisfy(at -> assertThat(at.getNano()).isZero());
        // Uniform: both halves of the window hold a fair share.
        Instant middle = NOW.minus(Duration.ofDays(15));
        assertThat(placed.stream().filter(at -> at.isBefore(middle)).count()).isBetween(700L, 1_300L);
    }

    @Test
    void repeatsCustomersSoThatLeaderboardsHaveAShape() {
        List<NewOrder> orders = orders(options(1_000, 13));
        Map<String, Long> ordersPerCustomer = orders.stream()
                .collect(Collectors.groupingBy(NewOrder::customerId, Collectors.counting()));

        assertThat(ordersPerCustomer.size()).isBetween(50, 200);
        assertThat(ordersPerCustomer.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                .isGreaterThan(10);
    }

    @Test
    void numbersEveryOrderUniquely() {
        List<NewOrder> orders = orders(options(5_000, 17));

        assertThat(orders).extracting(NewOrder::orderNumber).doesNotHaveDuplicates()
                .allSatisfy(number -> assertThat(number).startsWith("ORD-H-"));
    }

    @Test
    void mixesStatusesMostlyPending() {
        Map<OrderStatus, Long> byStatus = orders(options(5_000, 19)).stream()
                .collect(Collectors.groupingBy(NewOrder::status, Collectors.counting()));

        assertThat(byStatus.keySet()).containsExactlyInAnyOrder(OrderStatus.PENDING, OrderStatus.COMPLETED,
                OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED);
        assertThat(byStatus.get(OrderStatus.PENDING)).isBetween(4_000L, 4_500L);
        assertThat(byStatus.get(OrderStatus.COMPLETED)).isBetween(250L, 550L);
    }

    @Test
    void writesAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("orders.csv");

        SampleOrders.write(file, options(100, 23));

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(sample(options(100, 23)));
    }

    @Test
    void usesLfLineEndings() {
        assertThat(sample(options(200, 29))).doesNotContain("\r");
    }

    @Test
    void keepsTheSameProductPricesInEverySample() {
        Function<List<NewOrder>, Map<String, Money>> prices = orders -> orders.stream()
                .flatMap(order -> order.items().stream())
                .collect(Collectors.toMap(OrderItem::productId, OrderItem::unitPrice, (a, b) -> {
                    assertThat(a).isEqualTo(b);
                    return a;
                }));
        Map<String, Money> first = prices.apply(orders(options(500, 31)));
        Map<String, Money> second = prices.apply(orders(options(500, 37)));

        Set<String> common = new HashSet<>(first.keySet());
        common.retainAll(second.keySet());
        assertThat(common).isNotEmpty().allSatisfy(id -> assertThat(first.get(id)).isEqualTo(second.get(id)));
    }
}

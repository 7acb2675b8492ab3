package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RELIABILITY R4: Redis restarted without persistence mid-run loses no KPI fact. The facade notices
 * the lost data set, rebuilds the retained days from the records and replays what arrived
 * meanwhile; facts are neither lost nor doubled. On a Redis this class owns.
 */
class RedisDataLossRecoveryTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.owned();

    private static NewOrder order(int i, Instant placed) {
        Money price = Money.ofCents(1_000 + i);
        return new NewOrder("R-" + i, "c" + i % 37, "Customer", "c" + i + "@example.com", OrderStatus.PENDING, price,
                "USD", List.of(new OrderItem("P1", "Product", "SKU-1", 1, price)), placed);
    }

    @Test
    void aRedisRestartedEmptyMidRunIsRebuiltFromTheRecordsAndKeepsEveryFactOnce() throws Exception {
        TestRedis redis = REDIS.redis();
        Instant placed = Instant.now();
        LocalDate today = placed.atZone(ZoneOffset.UTC).toLocalDate();
        MemoryRecordStore records = new MemoryRecordStore();
        try (RedisKpiStore kpis = RedisKpiStore.builder().uri(redis.uri()).prefix(redis.newKeyPrefix())
                .commandTimeout(Duration.ofSeconds(10)).build();
                OrderKpi kpi = OrderKpi.builder().records(records).kpis(kpis).simulation(3, 0.1, 0.15, 0.05)
                        .kpiWatchInterval(Duration.ofMillis(200)).build()) {
            for (int i = 0; i < 300; i++) {
                kpi.process(kpi.createOrder(order(i, placed)).id());
            }
            assertThat(kpi.awaitIdle(Duration.ofMinutes(1))).isTrue();
            assertThat(kpi.analytics().verify(today, today)).isEmpty();
            long before = kpi.analytics().range(today, today).orderCount();
            assertThat(before).isEqualTo(300);

            redis.restart();
            for (int i = 300; i < 400; i++) {
                kpi.process(kpi.createOrder(order(i, placed)).id());
            }

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                assertThat(kpi.awaitIdle(Duration.ofSeconds(5))).isTrue();
                assertThat(kpi.analytics().verify(today, today)).isEmpty();
            });
            assertThat(kpi.analytics().range(today, today).orderCount()).isEqualTo(400);
            assertThat(kpis.dataLoss()).isEmpty();
        }
    }
}

package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every script takes keys of one hash slot, so the store works on Redis Cluster. */
class RedisKeysSlotTest {

    private static final List<LocalDate> DAYS = LocalDate.of(2024, 12, 25).datesUntil(LocalDate.of(2026, 1, 10)).toList();
    private static final List<String> PREFIXES = List.of("okpi", "a", "okpi-test-1a2b3c4d-7:12", "!~x:y", "x".repeat(64));

    /** The keys each script takes, as the store names them. */
    private static final Map<KpiScript, BiFunction<RedisKeys, LocalDate, String[]>> SCRIPT_KEYS = Map.of(
            KpiScript.APPLY, RedisKeys::day,
            KpiScript.SWAP_DAY, (keys, day) -> keys.swap(day, "2f1c9a7e-0000-4000-8000-000000000000"),
            KpiScript.RANK, (keys, day) -> new String[] {keys.dayKey(day, RedisKeys.LEADERBOARD)},
            KpiScript.CUSTOMERS_IF_FEW, (keys, day) -> new String[] {keys.dayKey(day, RedisKeys.CUSTOMERS)},
            KpiScript.COMPLETE_REBUILD, (keys, day) -> new String[] {keys.marker()});

    @Test
    void theSlotFunctionIsRedisClustersCrc16() {
        // The check value of CRC16/XMODEM, and the example of the Redis Cluster specification.
        assertThat(SlotHash.getSlot("123456789")).isEqualTo(0x31C3);
        assertThat(SlotHash.getSlot("{user1000}.following")).isEqualTo(SlotHash.getSlot("{user1000}.followers"));
    }

    @Test
    void everyScriptIsListedWithItsKeys() {
        assertThat(SCRIPT_KEYS.keySet()).containsExactlyInAnyOrder(KpiScript.values());
    }

    @Test
    void everyScriptTakesKeysOfOneSlotOnlyTheSlotOfItsDay() {
        for (String prefix : PREFIXES) {
            RedisKeys keys = new RedisKeys(prefix);
            for (LocalDate day : DAYS) {
                for (Map.Entry<KpiScript, BiFunction<RedisKeys, LocalDate, String[]>> script : SCRIPT_KEYS.entrySet()) {
                    String[] taken = script.getValue().apply(keys, day);
                    Set<Integer> slots = Arrays.stream(taken).map(SlotHash::getSlot).collect(Collectors.toSet());

                    assertThat(slots).as("%s on %s under %s: %s", script.getKey(), day, prefix, List.of(taken)).hasSize(1);
                    if (script.getKey() != KpiScript.COMPLETE_REBUILD) {
                        assertThat(slots).containsExactly(SlotHash.getSlot("{" + day + "}"));
                    }
                }
            }
        }
    }

    @Test
    void theDaysOfAMonthSpreadOverSlots() {
        RedisKeys keys = new RedisKeys("okpi");
        Set<Integer> slots = LocalDate.of(2025, 11, 1).datesUntil(LocalDate.of(2025, 12, 1))
                .map(day -> SlotHash.getSlot(keys.dayKey(day, RedisKeys.KPI))).collect(Collectors.toSet());

        assertThat(slots).hasSizeGreaterThan(20);
    }

    @Test
    void aPrefixWithABraceIsRefusedSinceItWouldBecomeTheHashTag() {
        assertThatThrownBy(() -> new RedisKeys("okpi{tenant}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain '{' or '}'");
        assertThatThrownBy(() -> new RedisKeys("okpi}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPrefixIsOneTo64PrintableAsciiCharactersWithoutSpaces() {
        assertThat(new RedisKeys("x".repeat(64)).prefix()).hasSize(64);
        assertThat(new RedisKeys("!").prefix()).isEqualTo("!");
        assertThat(new RedisKeys("~").prefix()).isEqualTo("~");
        assertThatThrownBy(() -> new RedisKeys("x".repeat(65))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 64 characters long, not 65");
        assertThatThrownBy(() -> new RedisKeys("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 64 characters long, not 0");
        assertThatThrownBy(() -> new RedisKeys("ok pi")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has character 32 at 2");
        assertThatThrownBy(() -> new RedisKeys("okpi\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> new RedisKeys("okpi\u007f")).isInstanceOf(IllegalArgumentException.class);
    }
}

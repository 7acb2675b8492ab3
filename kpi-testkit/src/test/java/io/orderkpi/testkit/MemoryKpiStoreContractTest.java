package io.orderkpi.testkit;

import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.spi.KpiStore;
import java.time.Duration;

class MemoryKpiStoreContractTest extends KpiStoreContract {

    private final MutableClock clock = MutableClock.at("2025-11-16T12:00:00Z");

    @Override
    protected KpiStore newStore(Duration retention) {
        return MemoryKpiStore.builder().clock(clock).retention(retention).build();
    }

    @Override
    protected void advanceTime(Duration duration) {
        clock.advance(duration);
    }
}

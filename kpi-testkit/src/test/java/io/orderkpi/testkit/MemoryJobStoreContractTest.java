package io.orderkpi.testkit;

import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.spi.JobStore;
import java.time.Clock;

class MemoryJobStoreContractTest extends JobStoreContract {

    @Override
    protected JobStore newStore(Clock clock) {
        return new MemoryJobStore(clock);
    }
}

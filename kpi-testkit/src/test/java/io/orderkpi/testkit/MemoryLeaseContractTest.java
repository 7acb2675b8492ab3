package io.orderkpi.testkit;

import io.orderkpi.core.memory.MemoryLease;
import io.orderkpi.core.spi.Lease;

class MemoryLeaseContractTest extends LeaseContract {

    @Override
    protected Lease newLease() {
        return new MemoryLease();
    }
}

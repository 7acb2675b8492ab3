package io.orderkpi.testkit;

import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.spi.RecordStore;

class MemoryRecordStoreContractTest extends RecordStoreContract {

    @Override
    protected RecordStore newStore() {
        return new MemoryRecordStore();
    }
}

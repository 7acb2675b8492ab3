package io.orderkpi.testkit;

import io.orderkpi.core.memory.MemoryJobQueue;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.JobQueue;
import java.time.Clock;
import java.time.Duration;

class MemoryJobQueueContractTest extends JobQueueContract {

    @Override
    protected JobQueue newQueue(Clock clock, RetryPolicy retryPolicy, Duration shutdownGrace) {
        return MemoryJobQueue.builder().clock(clock).retryPolicy(retryPolicy).shutdownGrace(shutdownGrace).build();
    }
}

package io.orderkpi.core.analytics;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.spi.KpiStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real KPI store behind an injected outage: from {@link #downFor} on, every call throws
 * {@link StoreUnavailableException} (as a Redis adapter does when Redis is unreachable) until the
 * outage's clock has moved past its end; the test moves that clock.
 */
final class OutageKpiStore extends ForwardingKpiStore {

    private final Clock outageClock;
    private final AtomicReference<Instant> downUntil = new AtomicReference<>();
    private final AtomicInteger refusedCalls = new AtomicInteger();

    OutageKpiStore(KpiStore store, Clock outageClock) {
        super(store);
        this.outageClock = outageClock;
    }

    void downFor(Duration outage) {
        downUntil.set(outageClock.instant().plus(outage));
    }

    int refusedCalls() {
        return refusedCalls.get();
    }

    @Override
    protected void beforeCall() {
        Instant until = downUntil.get();
        if (until != null && outageClock.instant().isBefore(until)) {
            refusedCalls.incrementAndGet();
            throw new StoreUnavailableException("KPI store unreachable (injected outage until " + until + ")");
        }
    }
}

package io.orderkpi.core.memory;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Lease} in the JVM heap: for one process, or several {@code OrderKpi} instances of one
 * JVM sharing it (as processes share MySQL or Redis). Thread-safe (one monitor). Tokens are
 * counted per name from 1, which is enough since nothing survives the JVM; a counter per name
 * rather than one counter keeps tokens small and each name's sequence readable in logs.
 *
 * <p>Expiry follows the clock given, which should tick in real time ({@link Clock#systemUTC()} by
 * default): a fixed clock would make leases eternal, so a stopped holder would never be replaced.
 */
public final class MemoryLease implements Lease {

    private final Clock clock;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Long> lastToken = new HashMap<>();

    private record Held(LeaseGrant grant, Instant expiresAt) {
    }

    /** A lease on the system clock. */
    public MemoryLease() {
        this(Clock.systemUTC());
    }

    /** A lease whose durations are measured on {@code clock}. */
    public MemoryLease(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<LeaseGrant> acquire(String name, String holder, Duration duration) {
        Lease.checkNames(name, holder);
        Lease.checkDuration(duration);
        Instant now = clock.instant();
        Held current = live(name, now);
        if (current != null && !current.grant().holder().equals(holder)) {
            return Optional.empty();
        }
        LeaseGrant grant = current != null ? current.grant()
                : new LeaseGrant(name, holder, lastToken.merge(name, 1L, Long::sum));
        held.put(name, new Held(grant, now.plus(duration)));
        return Optional.of(grant);
    }

    @Override
    public synchronized boolean renew(LeaseGrant grant, Duration duration) {
        Lease.checkDuration(duration);
        Instant now = clock.instant();
        Held current = live(grant.name(), now);
        if (current == null || !current.grant().equals(grant)) {
            return false;
        }
        held.put(grant.name(), new Held(grant, now.plus(duration)));
        return true;
    }

    @Override
    public synchronized boolean release(LeaseGrant grant) {
        Held current = live(grant.name(), clock.instant());
        if (current == null || !current.grant().equals(grant)) {
            return false;
        }
        held.remove(grant.name());
        return true;
    }

    @Override
    public synchronized Optional<LeaseGrant> current(String name) {
        return Optional.ofNullable(live(name, clock.instant())).map(Held::grant);
    }

    /** The unexpired lease on a name, dropping an expired one; the caller holds the monitor. */
    private Held live(String name, Instant now) {
        Held current = held.get(name);
        if (current != null && !now.isBefore(current.expiresAt())) {
            held.remove(name);
            return null;
        }
        return current;
    }
}

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Lease} in the JVM heap: for one process, or several {@code OrderKpi} instances of one
 * JVM sharing it (as processes share MySQL or Redis). Thread-safe (one monitor).
 *
 * <p>Tokens are at least the wall-clock time in microseconds and grow by one per acquisition in
 * the JVM: the record store may outlive this lease (MySQL records with a memory lease), and a
 * restarted process must not issue tokens below the ones the store saw from the last run, or the
 * outbox would refuse every mark of the new process.
 *
 * <p>Expiry follows the clock given, which should tick in real time ({@link Clock#systemUTC()} by
 * default): a fixed clock would make leases eternal, so a stopped holder would never be replaced.
 */
public final class MemoryLease implements Lease {

    /** Shared by every instance, so tokens also grow across leases of one JVM. */
    private static final AtomicLong LAST_TOKEN = new AtomicLong();

    private final Clock clock;
    private final Map<String, Held> held = new HashMap<>();

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
                : new LeaseGrant(name, holder, LAST_TOKEN.updateAndGet(last -> Math.max(last + 1, wallClockMicros())));
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

    /** The floor of new tokens: the system time, whatever clock measures durations. */
    private static long wallClockMicros() {
        return TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
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

package io.orderkpi.core.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Named, time-limited, exclusive leases with fencing tokens: how several processes sharing one
 * back-end agree that one of them at a time does a piece of work (the outbox relay takes one per
 * subscriber, {@code outbox:<subscriber>}).
 *
 * <p>A lease is held by one holder (a string naming a process, unique per process start) until
 * it expires, unless renewed, or is released. Expiry is what lets another process take over from
 * a process that died or stalled; a holder that stalled (a long GC pause) may therefore go on
 * believing it holds a lease that another took. The <b>fencing token</b> guards against that:
 * every new acquisition of a name gets a token greater than every token issued for that name
 * before, so the store the work writes to can refuse writes carrying a token older than one it has
 * seen (see {@link Outbox#markDelivered}).
 *
 * <p>Contract every implementation keeps (checked by {@code LeaseContract} of kpi-testkit):
 * <ul>
 *   <li><b>Thread-safe and shared:</b> every method may be called from any thread of any process
 *       sharing the back-end; at any time at most one holder has an unexpired lease on a name.</li>
 *   <li><b>Tokens grow</b> with every new acquisition of a name, across processes, expiries and
 *       releases; an adapter whose back-end can lose data (a Redis restart without persistence)
 *       must still never issue a token lower than one issued before, e.g. by deriving tokens from
 *       the time. Acquiring a lease the holder already holds renews it and keeps its token.</li>
 *   <li><b>Only the holder</b> renews or releases, by presenting its grant; a grant whose lease
 *       expired or was taken is refused (false), never honoured.</li>
 *   <li>Durations are measured by the back-end (the memory lease: its clock; Redis: {@code PX};
 *       MySQL: the server's time), never by the caller's clock.</li>
 *   <li>A back-end that cannot be reached throws {@link io.orderkpi.core.lang.StoreUnavailableException}.</li>
 * </ul>
 */
public interface Lease {

    /** Longest lease name (MySQL's {@code GET_LOCK} takes 64 characters). */
    int MAX_NAME_LENGTH = 64;

    /** Longest holder name. */
    int MAX_HOLDER_LENGTH = 128;

    /**
     * Takes the lease {@code name} for {@code holder} for {@code duration} when it is free or
     * expired (with a new, greater token), or renews it when {@code holder} holds it already (same
     * token).
     *
     * @return the grant, or empty when another holder has it
     * @throws IllegalArgumentException when a name or holder is blank or too long, or the
     *         duration is not positive
     */
    Optional<LeaseGrant> acquire(String name, String holder, Duration duration);

    /**
     * Extends a held lease to {@code duration} from now.
     *
     * @return false when the grant's lease expired or is held with another token: the caller has
     *         lost it and must stop the work it guards
     */
    boolean renew(LeaseGrant grant, Duration duration);

    /**
     * Gives a held lease up, so another holder can take it at once. Idempotent.
     *
     * @return false when the grant no longer held it (expired, or taken by another)
     */
    boolean release(LeaseGrant grant);

    /** The unexpired grant on {@code name}, if any: for operators and tests. */
    Optional<LeaseGrant> current(String name);

    /** Checks a name and holder against the limits every implementation shares. */
    static void checkNames(String name, String holder) {
        checkName("name", name, MAX_NAME_LENGTH);
        checkName("holder", holder, MAX_HOLDER_LENGTH);
    }

    /** Checks a duration every implementation must accept. */
    static void checkDuration(Duration duration) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("Lease duration must be positive: " + duration);
        }
    }

    private static void checkName(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Lease " + field + " must not be blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException("Lease " + field + " is " + value.length()
                    + " characters long; the most is " + max + ": " + value);
        }
    }
}

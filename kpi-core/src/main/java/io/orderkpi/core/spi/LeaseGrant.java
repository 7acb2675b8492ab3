package io.orderkpi.core.spi;

import java.util.Objects;

/**
 * A held {@link Lease}: what the holder presents to renew or release it, and the fencing token
 * the work it guards writes with.
 *
 * @param token the fencing token: greater than every token issued for {@code name} before
 */
public record LeaseGrant(String name, String holder, long token) {

    public LeaseGrant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        if (token < 1) {
            throw new IllegalArgumentException("A fencing token is positive: " + token);
        }
    }
}

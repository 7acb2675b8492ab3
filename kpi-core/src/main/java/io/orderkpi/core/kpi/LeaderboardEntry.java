package io.orderkpi.core.kpi;

import io.orderkpi.core.order.Money;
import java.util.Comparator;
import java.util.Objects;

/**
 * A customer's place on a day's leaderboard (SPEC §5). Immutable and thread-safe.
 *
 * @param rank     1 for the highest net spend; consecutive, without gaps, over the listed customers
 * @param netCents completed order totals minus refunds of that day; always positive when listed
 */
public record LeaderboardEntry(int rank, String customerId, long netCents) {

    /**
     * Leaderboard order: highest net first, ties by customer id in ascending UTF-8 byte order
     * (the order Redis gives members of equal score).
     */
    public static final Comparator<LeaderboardEntry> ORDER =
            (a, b) -> compare(a.netCents, a.customerId, b.netCents, b.customerId);

    public LeaderboardEntry {
        Objects.requireNonNull(customerId, "customerId");
        if (rank < 1) {
            throw new IllegalArgumentException("Ranks start at 1: " + rank);
        }
    }

    public Money totalSpent() {
        return Money.ofCents(netCents);
    }

    /**
     * Compares two (net, customer) pairs in leaderboard order: negative when the first ranks
     * higher. For stores that rank without building entries.
     */
    public static int compare(long netA, String customerA, long netB, String customerB) {
        int byNet = Long.compare(netB, netA);
        return byNet != 0 ? byNet : compareCustomerIds(customerA, customerB);
    }

    /**
     * Compares customer ids as their UTF-8 bytes, unsigned: that is code point order, which
     * {@link String#compareTo} (UTF-16 units) breaks for characters above U+FFFF against those
     * from U+E000. Allocation-free, since leaderboards compare on every read.
     */
    public static int compareCustomerIds(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                boolean surrogateA = Character.isSurrogate(ca);
                if (surrogateA != Character.isSurrogate(cb)) {
                    // A surrogate starts a code point above U+FFFF: after every BMP character.
                    return surrogateA ? 1 : -1;
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }
}

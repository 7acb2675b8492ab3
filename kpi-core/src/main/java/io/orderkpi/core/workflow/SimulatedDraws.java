package io.orderkpi.core.workflow;

import java.util.SplittableRandom;

/**
 * Random draws of the simulations, each a pure function of the seed and of what the call is
 * about. A shared generator would make an outcome depend on which call came first; hashing the
 * inputs instead keeps reruns and concurrent runs identical for one seed.
 */
final class SimulatedDraws {

    /** Separates the charge and refund draws, so a refund_id that equals a charge key draws anew. */
    static final long CHARGE = 1;
    static final long REFUND = 2;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SimulatedDraws() {
    }

    /** The generator of one order line's reservation. */
    static SplittableRandom forLine(long seed, long orderId, int lineIndex) {
        return new SplittableRandom(mix(mix(mix(seed) ^ orderId) ^ lineIndex));
    }

    /** The generator of one idempotency key of one kind of call. */
    static SplittableRandom forKey(long seed, long kind, String key) {
        // FNV-1a folds the text into 64 bits (String.hashCode has only 32); mix spreads it.
        long h = FNV_OFFSET;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * FNV_PRIME;
        }
        return new SplittableRandom(mix(mix(mix(seed) ^ kind) ^ h));
    }

    /** A bijective 64-bit mix: SplittableRandom's first output is a strong finalizer of its seed. */
    private static long mix(long x) {
        return new SplittableRandom(x).nextLong();
    }
}

package io.orderkpi.core.workflow;

import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.ReservationResult;
import io.orderkpi.core.spi.StockService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process {@link StockService} for demos, tests and benchmarks (SPEC §4). Thread-safe.
 *
 * <p>Each product starts with {@link Builder#defaultStock(long)} units (1,000,000 unless set),
 * changed per product with {@link #setStock}. A reservation first fails at random with
 * {@link Builder#failureProbability(double)} (10 % unless set), as the seed application did,
 * then takes real units, and fails the same way when fewer are available than the line needs.
 * Both failures read {@code "Insufficient stock for product: {id}"}.
 *
 * <p>The random draw of a line is a hash of (seed, order id, line index), not the next number of
 * a shared generator: the same seed gives every line the same draw whatever the call order or
 * thread interleaving. Only shortages of real stock depend on order, as they would in a shop.
 *
 * <p>The lines of the last {@link Builder#rememberedLines(int)} reservations (100,000 unless set)
 * are remembered with their results, which keeps the idempotency promise for retries, at roughly
 * a hundred bytes per line; an older line is forgotten, and reserving it again takes units again.
 */
public final class SimulatedStockService implements StockService {

    /** Units of every product not given a level of its own. */
    public static final long DEFAULT_STOCK = 1_000_000;

    /** Share of lines whose reservation fails at random, as in the seed application. */
    public static final double DEFAULT_FAILURE_PROBABILITY = 0.10;

    private final long seed;
    private final double failureProbability;
    private final long defaultStock;
    private final SimulatedRemote remote;
    private final ConcurrentHashMap<String, AtomicLong> stock = new ConcurrentHashMap<>();
    private final RecentResults<LineKey, Line> lines;
    private final LongAdder reservationsMade = new LongAdder();
    private final LongAdder releasesMade = new LongAdder();

    private SimulatedStockService(Builder builder) {
        this.seed = builder.seed;
        this.failureProbability = builder.failureProbability;
        this.defaultStock = builder.defaultStock;
        this.remote = new SimulatedRemote("Stock service", builder.latency);
        this.lines = new RecentResults<>(builder.rememberedLines);
    }

    /** A builder with the defaults: random seed, 10 % failures, 1,000,000 units, no latency. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ReservationResult reserve(long orderId, int lineIndex, String productId, int quantity) {
        Objects.requireNonNull(productId, "productId");
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be > 0: " + quantity);
        }
        remote.enter();
        // computeIfAbsent runs the decision once per line, even for concurrent calls on it.
        return lines.firstResult(new LineKey(orderId, lineIndex), key -> decide(key, productId, quantity)).result();
    }

    @Override
    public void release(long orderId, int lineIndex) {
        remote.enter();
        // computeIfPresent waits for a reservation of the line still being decided, so a release
        // never slips past it.
        lines.update(new LineKey(orderId, lineIndex), (key, line) -> line.held() ? giveBack(line) : line);
    }

    /** Units of {@code productId} neither reserved nor taken out by {@link #setStock}. */
    public long available(String productId) {
        AtomicLong units = stock.get(Objects.requireNonNull(productId, "productId"));
        return units == null ? defaultStock : units.get();
    }

    /**
     * Sets the units of {@code productId} now available; reservations already held keep theirs and
     * give them back on release on top of this level.
     */
    public void setStock(String productId, long units) {
        Objects.requireNonNull(productId, "productId");
        if (units < 0) {
            throw new IllegalArgumentException("units must not be negative: " + units);
        }
        unitsOf(productId).set(units);
    }

    /**
     * Testing aid: the next {@code calls} calls to {@link #reserve} or {@link #release} throw
     * {@link GatewayUnavailableException} without changing anything, as during an outage; later
     * calls work again. {@code failNextCalls(Integer.MAX_VALUE)} keeps the service down until
     * {@code failNextCalls(0)} ends the outage.
     */
    public void failNextCalls(int calls) {
        remote.failNextCalls(calls);
    }

    /** Reservations that took units: each line counts once, however often it was reserved. */
    public long reservationsMade() {
        return reservationsMade.sum();
    }

    /** Releases that gave units back: each line counts at most once. */
    public long releasesMade() {
        return releasesMade.sum();
    }

    /** The seed of the random draws; with it a run can be repeated. */
    public long seed() {
        return seed;
    }

    private Line decide(LineKey key, String productId, int quantity) {
        if (SimulatedDraws.forLine(seed, key.orderId(), key.lineIndex()).nextDouble() < failureProbability) {
            return Line.failed(productId, quantity);
        }
        AtomicLong units = unitsOf(productId);
        long left;
        do {
            left = units.get();
            if (left < quantity) {
                return Line.failed(productId, quantity);
            }
        } while (!units.compareAndSet(left, left - quantity));
        reservationsMade.increment();
        return new Line(productId, quantity, ReservationResult.reserved(), true);
    }

    private Line giveBack(Line line) {
        unitsOf(line.productId()).addAndGet(line.quantity());
        releasesMade.increment();
        return new Line(line.productId(), line.quantity(), line.result(), false);
    }

    private AtomicLong unitsOf(String productId) {
        return stock.computeIfAbsent(productId, id -> new AtomicLong(defaultStock));
    }

    private record LineKey(long orderId, int lineIndex) {
    }

    /** One line's first result, and whether its units are still held. */
    private record Line(String productId, int quantity, ReservationResult result, boolean held) {

        static Line failed(String productId, int quantity) {
            return new Line(productId, quantity, ReservationResult.insufficientStock(productId), false);
        }
    }

    /** Settings of a {@link SimulatedStockService}; each setter checks its value at once. */
    public static final class Builder {

        private long seed = ThreadLocalRandom.current().nextLong();
        private double failureProbability = DEFAULT_FAILURE_PROBABILITY;
        private long defaultStock = DEFAULT_STOCK;
        private Duration latency = Duration.ZERO;
        private int rememberedLines = RecentResults.DEFAULT_CAPACITY;

        private Builder() {
        }

        /** How many of the latest reserved lines keep their results (at least 1); 100,000 unless set. */
        public Builder rememberedLines(int lines) {
            this.rememberedLines = RecentResults.checkCapacity(lines);
            return this;
        }

        /** Seed of the random draws; random unless set. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Share of lines that fail at random, from 0 (never) to 1 (always); 0.10 unless set. */
        public Builder failureProbability(double failureProbability) {
            this.failureProbability = SimulatedRemote.checkProbability("failureProbability", failureProbability);
            return this;
        }

        /** Units of every product not given a level with {@link SimulatedStockService#setStock}; 1,000,000 unless set. */
        public Builder defaultStock(long units) {
            if (units < 0) {
                throw new IllegalArgumentException("defaultStock must not be negative: " + units);
            }
            this.defaultStock = units;
            return this;
        }

        /** Time every call takes, as a remote call would; zero unless set. */
        public Builder latency(Duration latency) {
            this.latency = SimulatedRemote.checkLatency(latency);
            return this;
        }

        /** A new service with these settings and no reservations. */
        public SimulatedStockService build() {
            return new SimulatedStockService(this);
        }
    }
}

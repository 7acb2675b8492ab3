package io.orderkpi.core.workflow;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process {@link PaymentGateway} for demos, tests and benchmarks (SPEC §4, §6).
 * Thread-safe.
 *
 * <p>A charge is declined with {@link Builder#chargeFailureProbability(double)} (15 % unless set)
 * as {@value #CHARGE_DECLINED}, a refund with {@link Builder#refundFailureProbability(double)}
 * (5 % unless set) as {@value #REFUND_DECLINED}. A success has a reference {@code PAY-} or
 * {@code REF-} followed by 12 upper-case hex digits. Outcome and reference are a hash of (seed,
 * kind of call, idempotency key), so one seed gives every key the same answer whatever the call
 * order or thread interleaving. References are not checked for uniqueness: with 48 random bits,
 * two keys share one with a probability of about n²/2⁴⁹ over n keys.
 *
 * <p>The last {@link Builder#rememberedKeys(int)} keys of each kind (100,000 unless set) are
 * remembered with their first results, which keeps the idempotency promise for retries; an older
 * key is decided again, with the same answer (it is a hash), and counted again by {@link
 * #chargesProcessed} and the totals.
 */
public final class SimulatedPaymentGateway implements PaymentGateway {

    /** Share of charges declined, as in the seed application. */
    public static final double DEFAULT_CHARGE_FAILURE_PROBABILITY = 0.15;

    /** Share of refunds declined, as in the seed application. */
    public static final double DEFAULT_REFUND_FAILURE_PROBABILITY = 0.05;

    /** The reason of a declined charge. */
    public static final String CHARGE_DECLINED = "Payment declined by bank";

    /** The reason of a declined refund. */
    public static final String REFUND_DECLINED = "Refund declined by bank";

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final long seed;
    private final SimulatedRemote remote;
    private final Ledger charges;
    private final Ledger refunds;

    private SimulatedPaymentGateway(Builder builder) {
        this.seed = builder.seed;
        this.remote = new SimulatedRemote("Payment gateway", builder.latency);
        this.charges = new Ledger(SimulatedDraws.CHARGE, builder.chargeFailureProbability, "PAY-", CHARGE_DECLINED,
                builder.rememberedKeys);
        this.refunds = new Ledger(SimulatedDraws.REFUND, builder.refundFailureProbability, "REF-", REFUND_DECLINED,
                builder.rememberedKeys);
    }

    /** A builder with the defaults: random seed, 15 % declined charges, 5 % declined refunds, no latency. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public PaymentResult charge(String idempotencyKey, Order order) {
        checkKey(idempotencyKey);
        Objects.requireNonNull(order, "order");
        remote.enter();
        return charges.settle(idempotencyKey, order.totalAmount());
    }

    @Override
    public PaymentResult refund(String idempotencyKey, long orderId, Money amount) {
        checkKey(idempotencyKey);
        Objects.requireNonNull(amount, "amount");
        remote.enter();
        return refunds.settle(idempotencyKey, amount);
    }

    /**
     * Testing aid: the next {@code calls} calls to {@link #charge} or {@link #refund} throw
     * {@link GatewayUnavailableException} without charging or refunding, as during an outage; later
     * calls work again. {@code failNextCalls(Integer.MAX_VALUE)} keeps the gateway down until
     * {@code failNextCalls(0)} ends the outage.
     */
    public void failNextCalls(int calls) {
        remote.failNextCalls(calls);
    }

    /** Distinct charge keys the gateway decided on, successful or declined. */
    public long chargesProcessed() {
        return charges.processed.sum();
    }

    /** Distinct refund keys the gateway decided on, successful or declined. */
    public long refundsProcessed() {
        return refunds.processed.sum();
    }

    /** The sum of the successful charges, each key counted once. */
    public Money totalCharged() {
        return Money.ofCents(charges.movedCents.get());
    }

    /** The sum of the successful refunds, each key counted once. */
    public Money totalRefunded() {
        return Money.ofCents(refunds.movedCents.get());
    }

    /** The seed of the random draws; with it a run can be repeated. */
    public long seed() {
        return seed;
    }

    private static void checkKey(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("idempotencyKey must not be blank");
        }
    }

    /** First results of one kind of call, by key, with what they moved. */
    private final class Ledger {

        private final long kind;
        private final double failureProbability;
        private final String referencePrefix;
        private final String declineReason;
        private final RecentResults<String, PaymentResult> results;
        private final LongAdder processed = new LongAdder();
        private final AtomicLong movedCents = new AtomicLong();

        Ledger(long kind, double failureProbability, String referencePrefix, String declineReason, int remembered) {
            this.results = new RecentResults<>(remembered);
            this.kind = kind;
            this.failureProbability = failureProbability;
            this.referencePrefix = referencePrefix;
            this.declineReason = declineReason;
        }

        PaymentResult settle(String key, Money amount) {
            // Decided once per key: a concurrent call with the same key waits for that decision and
            // returns it, so money moves once.
            return results.firstResult(key, k -> decide(k, amount));
        }

        private PaymentResult decide(String key, Money amount) {
            processed.increment();
            SplittableRandom draw = SimulatedDraws.forKey(seed, kind, key);
            if (draw.nextDouble() < failureProbability) {
                return PaymentResult.declined(declineReason);
            }
            movedCents.accumulateAndGet(amount.cents(), Math::addExact);
            // The low 48 bits of a 64-bit draw: 16 hex digits, the last 12 kept.
            return PaymentResult.success(referencePrefix + HEX.toHexDigits(draw.nextLong()).substring(4));
        }
    }

    /** Settings of a {@link SimulatedPaymentGateway}; each setter checks its value at once. */
    public static final class Builder {

        private long seed = ThreadLocalRandom.current().nextLong();
        private double chargeFailureProbability = DEFAULT_CHARGE_FAILURE_PROBABILITY;
        private double refundFailureProbability = DEFAULT_REFUND_FAILURE_PROBABILITY;
        private Duration latency = Duration.ZERO;
        private int rememberedKeys = RecentResults.DEFAULT_CAPACITY;

        private Builder() {
        }

        /** How many of the latest keys of each kind keep their first results (at least 1); 100,000 unless set. */
        public Builder rememberedKeys(int keys) {
            this.rememberedKeys = RecentResults.checkCapacity(keys);
            return this;
        }

        /** Seed of the random draws; random unless set. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Share of charges declined, from 0 (never) to 1 (always); 0.15 unless set. */
        public Builder chargeFailureProbability(double probability) {
            this.chargeFailureProbability = SimulatedRemote.checkProbability("chargeFailureProbability", probability);
            return this;
        }

        /** Share of refunds declined, from 0 (never) to 1 (always); 0.05 unless set. */
        public Builder refundFailureProbability(double probability) {
            this.refundFailureProbability = SimulatedRemote.checkProbability("refundFailureProbability", probability);
            return this;
        }

        /** Time every call takes, as a remote call would; zero unless set. */
        public Builder latency(Duration latency) {
            this.latency = SimulatedRemote.checkLatency(latency);
            return this;
        }

        /** A new gateway with these settings that has seen no key. */
        public SimulatedPaymentGateway build() {
            return new SimulatedPaymentGateway(this);
        }
    }
}

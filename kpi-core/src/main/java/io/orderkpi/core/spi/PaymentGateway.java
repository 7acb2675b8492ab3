package io.orderkpi.core.spi;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;

/**
 * Takes payments for orders and gives money back (SPEC §4, §6). Money never moves twice: every
 * call carries an idempotency key, and a key already seen returns its first result.
 *
 * <p>Contract every implementation keeps:
 * <ul>
 *   <li>Thread-safe; two concurrent calls with one key move money at most once and both get the
 *       first result.</li>
 *   <li>The key alone decides: a repeated key returns the first result (success with the same
 *       reference, or the same decline) whatever order or amount comes with it. Charge and refund
 *       keys are separate spaces.</li>
 *   <li>Business failures are results: {@link PaymentResult#declined(String)}, final for the key.</li>
 *   <li>Technical failures (unreachable, timeout, interrupted) throw
 *       {@link GatewayUnavailableException} and leave the key unused, so the same call can be
 *       repeated.</li>
 * </ul>
 */
public interface PaymentGateway {

    /** The idempotency key of the one charge of an order: {@code order:{id}:charge}. */
    static String chargeKey(long orderId) {
        return "order:" + orderId + ":charge";
    }

    /**
     * Charges the order's total, or returns the first result for {@code idempotencyKey}.
     *
     * @param idempotencyKey {@link #chargeKey(long)} of the order
     * @throws GatewayUnavailableException when the gateway cannot be reached; nothing was charged
     */
    PaymentResult charge(String idempotencyKey, Order order);

    /**
     * Refunds {@code amount} of a charged order, or returns the first result for
     * {@code idempotencyKey}.
     *
     * @param idempotencyKey the refund's refund_id
     * @param amount         greater than zero; checked against what is refundable before the call
     * @throws GatewayUnavailableException when the gateway cannot be reached; nothing was refunded
     */
    PaymentResult refund(String idempotencyKey, long orderId, Money amount);
}

package io.orderkpi.core.refund;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.Money;
import java.util.Objects;
import java.util.UUID;

/**
 * A request to give money back for an order (SPEC §6), as the HTTP layer or a caller builds it.
 * Immutable and thread-safe.
 *
 * <p>The refund_id is fixed when the request is made (a random UUID unless the caller brings its
 * own), so retrying the same request value is idempotent: the store returns the first refund.
 *
 * @param amount   the amount of a {@link RefundType#PARTIAL partial} refund (required); for a
 *                 {@link RefundType#FULL full} one, which refunds what remains, optional: when
 *                 given it must equal what remains when the refund begins (else
 *                 {@link RefundAmountException}), so a caller's wrong idea of the remainder is
 *                 refused instead of silently refunding another amount
 * @param reason   free text kept with the refund
 * @param refundId at most {@value #MAX_REFUND_ID} characters, not blank; a {@code null} argument
 *                 becomes a random UUID, so the component is never {@code null}
 */
public record RefundRequest(long orderId, RefundType type, @Nullable Money amount, @Nullable String reason,
        String refundId) {

    /** The longest refund_id accepted: a UUID has 36 characters, a caller's own key may have more. */
    public static final int MAX_REFUND_ID = 64;

    /**
     * @throws RefundAmountException    when a partial refund has no amount
     * @throws IllegalArgumentException when the refund_id is blank or too long
     */
    public RefundRequest {
        Objects.requireNonNull(type, "type");
        if (type == RefundType.PARTIAL && amount == null) {
            throw RefundAmountException.missing(orderId);
        }
        if (refundId == null) {
            refundId = UUID.randomUUID().toString();
        } else if (refundId.isBlank() || refundId.length() > MAX_REFUND_ID) {
            throw new IllegalArgumentException("refund_id must have 1 to " + MAX_REFUND_ID
                    + " characters and not be blank: '" + refundId + "'");
        } else if (refundId.startsWith(EventData.IMPORTED_REFUND_PREFIX)) {
            // Reserved: the full refund of an order imported as refunded is counted under it.
            throw new IllegalArgumentException("refund_id must not start with '"
                    + EventData.IMPORTED_REFUND_PREFIX + "': '" + refundId + "'");
        }
    }

    /** A full refund of the order with a fresh refund_id. */
    public static RefundRequest full(long orderId) {
        return new RefundRequest(orderId, RefundType.FULL, null, null, null);
    }

    /** A partial refund of {@code amount} with a fresh refund_id. */
    public static RefundRequest partial(long orderId, Money amount) {
        return new RefundRequest(orderId, RefundType.PARTIAL, Objects.requireNonNull(amount, "amount"), null, null);
    }

    /**
     * A partial refund of an amount given as decimal text (as in JSON), with a fresh refund_id.
     *
     * @throws RefundAmountException when the text is not a decimal number with at most 2 decimals
     */
    public static RefundRequest partial(long orderId, String amount) {
        Objects.requireNonNull(amount, "amount");
        Money parsed;
        try {
            parsed = Money.parse(amount);
        } catch (NumberFormatException | ArithmeticException e) {
            throw RefundAmountException.malformed(orderId, amount, e);
        }
        return partial(orderId, parsed);
    }

    public RefundRequest withReason(@Nullable String value) {
        return new RefundRequest(orderId, type, amount, value, refundId);
    }

    /** The same request under the caller's own refund_id. */
    public RefundRequest withRefundId(String value) {
        return new RefundRequest(orderId, type, amount, reason, Objects.requireNonNull(value, "refundId"));
    }

    /**
     * Whether an existing refund with this refund_id answers this request: same order and type,
     * and for a partial refund the same amount (a full refund's amount depends on when it began).
     * The reason is not compared: it does not change what money moves.
     */
    public boolean isAnsweredBy(Refund existing) {
        return existing.orderId() == orderId && existing.type() == type
                && (type == RefundType.FULL || existing.amount().equals(amount));
    }
}

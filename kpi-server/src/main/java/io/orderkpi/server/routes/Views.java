package io.orderkpi.server.routes;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.notification.EmailMasking;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.refund.Refund;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shapes of the operations endpoints (SPEC §2, §6, §7, §8), as records that the server's
 * mapper writes with snake_case names. Kept apart from the domain records so that the wire format
 * is written down in one place and a domain change cannot silently change the API. Every field is
 * always present (null when unset), except where a list view leaves a nested list out.
 */
final class Views {

    private Views() {
    }

    static BigDecimal money(Money money) {
        return money.toBigDecimal();
    }

    /** SPEC §2; {@code items} is left out of list views. */
    record OrderView(long id, String orderNumber, String customerId, String customerName, String customerEmail,
            String status, BigDecimal totalAmount, String currency,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ItemView> items, Instant placedAt, Instant reservedAt,
            Instant paidAt, Instant failedAt, String failureReason, String paymentReference, Instant createdAt,
            Instant updatedAt) {

        static OrderView of(Order o, boolean withItems) {
            return new OrderView(o.id(), o.orderNumber(), o.customerId(), o.customerName(), o.customerEmail(),
                    o.status().wireName(), money(o.totalAmount()), o.currency(),
                    withItems ? o.items().stream().map(ItemView::of).toList() : null, o.placedAt(), o.reservedAt(),
                    o.paidAt(), o.failedAt(), o.failureReason(), o.paymentReference(), o.createdAt(), o.updatedAt());
        }
    }

    record ItemView(String productId, String productName, String sku, int quantity, BigDecimal unitPrice,
            BigDecimal totalPrice) {

        static ItemView of(OrderItem i) {
            return new ItemView(i.productId(), i.productName(), i.sku(), i.quantity(), money(i.unitPrice()),
                    money(i.totalPrice()));
        }
    }

    /** One entry of an order's audit trail. */
    record EventView(long sequence, long orderId, String type, Map<String, String> data, Instant recordedAt) {

        static EventView of(OutboxEvent e) {
            return new EventView(e.sequence(), e.orderId(), e.type().wireName(), e.data(), e.recordedAt());
        }
    }

    /** SPEC §9 import status; {@code rejected_rows} is left out of the list of imports. */
    record ImportView(String importId, String sourceName, String state, boolean dryRun, String sha256,
            int chunkSize, long rowsRead, long imported, long skippedExisting, long rejected,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<RejectedRowView> rejectedRows, String error,
            Instant createdAt, Instant updatedAt, Instant finishedAt) {

        static ImportView of(ImportRun run, List<RejectedRow> rejectedRows) {
            return new ImportView(run.importId(), run.sourceName(), run.state().wireName(), run.dryRun(), run.sha256(),
                    run.chunkSize(), run.counters().rowsRead(), run.counters().imported(),
                    run.counters().skippedExisting(), run.counters().rejected(),
                    rejectedRows == null ? null : rejectedRows.stream().map(RejectedRowView::of).toList(),
                    run.error(), run.createdAt(), run.updatedAt(), run.finishedAt());
        }
    }

    record RejectedRowView(long line, String orderNumber, String reason) {

        static RejectedRowView of(RejectedRow r) {
            return new RejectedRowView(r.line(), r.orderNumber(), r.reason());
        }
    }

    /** SPEC §6. */
    record RefundView(String refundId, long orderId, String customerId, String type, BigDecimal amount, String reason,
            String status, String failureReason, String paymentReference, Instant processedAt, Instant createdAt,
            Instant updatedAt) {

        static RefundView of(Refund r) {
            return new RefundView(r.refundId(), r.orderId(), r.customerId(), r.type().wireName(), money(r.amount()),
                    r.reason(), r.status().wireName(), r.failureReason(), r.paymentReference(), r.processedAt(),
                    r.createdAt(), r.updatedAt());
        }
    }

    /** SPEC §7. */
    record NotificationView(long id, long orderId, String refundId, String customerId, String orderStatus,
            BigDecimal totalAmount, String type, String channel, String state, String message, String errorMessage,
            int attempts, Instant sentAt, Instant createdAt, Instant updatedAt) {

        static NotificationView of(Notification n) {
            return new NotificationView(n.id(), n.orderId(), n.refundId(), n.customerId(), n.orderStatus(),
                    money(n.totalAmount()), n.type().wireName(), n.channel(), n.state().wireName(), n.message(),
                    n.errorMessage(), n.attempts(), n.sentAt(), n.createdAt(), n.updatedAt());
        }
    }

    /** SPEC §8, one queue as the dashboard shows it. */
    record QueueView(String name, boolean paused, long pending, long running, long completed, long failed,
            long throughputPerMinute, long waitP50Ms, long waitP95Ms) {

        static QueueView of(QueueStats s) {
            return new QueueView(s.queue(), s.paused(), s.pending(), s.running(), s.completed(), s.failed(),
                    s.throughputPerMinute(), s.waitP50Millis(), s.waitP95Millis());
        }

        static QueueView idle(String name, boolean paused) {
            return new QueueView(name, paused, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** SPEC §8: never the payload (import chunks carry names and e-mail addresses), its subject instead. */
    record FailedJobView(UUID id, String queue, String type, String subject, int attempts, String lastError,
            Instant enqueuedAt, Instant failedAt) {

        static FailedJobView of(FailedJob j) {
            return new FailedJobView(j.id(), j.queue(), j.type(), j.subject(), j.attempts(), j.lastError(),
                    j.enqueuedAt(), j.failedAt());
        }
    }

    /**
     * SPEC §8: a dead letter without the event's data, which may name the customer. The error is
     * the subscriber's own text, so e-mail addresses in it are masked.
     */
    record DeadLetterView(String subscriber, long sequence, long orderId, String eventType, String error,
            Instant deadLetteredAt) {

        static DeadLetterView of(DeadLetter letter) {
            return new DeadLetterView(letter.subscriber(), letter.event().sequence(), letter.event().orderId(),
                    letter.event().type().wireName(), EmailMasking.maskAll(letter.error()), letter.deadAt());
        }
    }
}

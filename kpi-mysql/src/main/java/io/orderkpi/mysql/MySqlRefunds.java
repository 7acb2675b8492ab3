package io.orderkpi.mysql;

import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundRules;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RefundQuery;
import io.orderkpi.core.spi.RefundRecords;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The refunds view of {@link MySqlRecordStore}. Every step that reads or changes an order's
 * refundable amount locks the order row first ({@code SELECT … FOR UPDATE}), then the refund: one
 * lock order for all steps, so concurrent refunds of one order serialise and never deadlock.
 */
final class MySqlRefunds implements RefundRecords {

    private static final String SELECT_REFUND = "SELECT " + Rows.REFUND_COLUMNS + " FROM refunds ";

    /** A keyed refund: the refund and its list key. */
    private record Keyed(long key, Refund refund) {
    }

    private final Db db;
    private final MySqlOutbox outbox;

    MySqlRefunds(Db db, MySqlOutbox outbox) {
        this.db = db;
        this.outbox = outbox;
    }

    @Override
    public RefundOutcome begin(RefundRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return db.inTransaction(handle -> {
                Optional<Refund> existing = find(handle, request.refundId(), false);
                if (existing.isPresent()) {
                    return answer(request, existing.get());
                }
                Order order = lockOrder(handle, request.orderId());
                RefundRules.checkRefundable(order);
                Money taken = Money.ofCents(handle.createQuery("SELECT COALESCE(SUM(amount_cents), 0) FROM refunds "
                        + "WHERE order_id = :orderId AND status <> 'failed'")
                        .bind("orderId", order.id()).mapTo(Long.class).one());
                Money amount = RefundRules.amountFor(request, order.totalAmount().minus(taken));
                Refund refund = Refund.pending(request.refundId(), order, request.type(), amount, request.reason(),
                        db.now());
                handle.createUpdate("INSERT INTO refunds (refund_id, order_id, customer_id, type, amount_cents, "
                        + "reason, status, created_at, updated_at) VALUES (:refundId, :orderId, :customerId, :type, "
                        + ":amountCents, :reason, :status, :now, :now)")
                        .bind("refundId", refund.refundId())
                        .bind("orderId", refund.orderId())
                        .bind("customerId", refund.customerId())
                        .bind("type", Rows.wire(refund.type()))
                        .bind("amountCents", refund.amount().cents())
                        .bind("reason", refund.reason())
                        .bind("status", Rows.wire(refund.status()))
                        .bind("now", Db.at(refund.createdAt()))
                        .execute();
                return new RefundOutcome(refund, true);
            });
        } catch (RuntimeException e) {
            // The same refund_id begun concurrently (perhaps for another order): the first one answers.
            if (Db.isDuplicateKey(e)) {
                return db.read(handle -> answer(request, find(handle, request.refundId(), false).orElseThrow()));
            }
            throw e;
        }
    }

    private static RefundOutcome answer(RefundRequest request, Refund existing) {
        if (!request.isAnsweredBy(existing)) {
            throw new RefundConflictException(existing, request);
        }
        return new RefundOutcome(existing, false);
    }

    private static Order lockOrder(Handle handle, long orderId) {
        return handle.createQuery("SELECT " + Rows.ORDER_COLUMNS + " FROM orders o WHERE o.id = :id FOR UPDATE")
                .bind("id", orderId)
                .map((row, context) -> Rows.order(row, List.of()))
                .findOne()
                .orElseThrow(() -> new NoSuchElementException("No order with id " + orderId));
    }

    private static Optional<Refund> find(Handle handle, String refundId, boolean lock) {
        return handle.createQuery(SELECT_REFUND + "WHERE refund_id = :refundId" + (lock ? " FOR UPDATE" : ""))
                .bind("refundId", refundId).map((row, context) -> Rows.refund(row)).findOne();
    }

    /** A refund and its order, both locked until commit. */
    private record Locked(Order order, Refund refund) {
    }

    /** The refund's order locked, then the refund locked: the lock order of every refund step. */
    private static Locked lockOrderThenRefund(Handle handle, String refundId) {
        Refund unlocked = find(handle, refundId, false)
                .orElseThrow(() -> new NoSuchElementException("No refund with id " + refundId));
        Order order = lockOrder(handle, unlocked.orderId());
        return new Locked(order, find(handle, refundId, true).orElseThrow());
    }

    @Override
    public Optional<Refund> get(String refundId) {
        Objects.requireNonNull(refundId, "refundId");
        return db.read(handle -> find(handle, refundId, false));
    }

    @Override
    public Set<Long> withCompletedRefunds(Collection<Long> orderIds) {
        Objects.requireNonNull(orderIds, "orderIds");
        List<Long> ids = orderIds.stream().distinct().toList();
        if (ids.isEmpty()) {
            return Set.of();
        }
        return db.read(handle -> {
            Set<Long> found = new HashSet<>();
            for (List<Long> part : MySqlOrders.partition(ids)) {
                found.addAll(handle.createQuery("SELECT DISTINCT order_id FROM refunds "
                        + "WHERE order_id IN (<ids>) AND status = 'completed'")
                        .bindList("ids", part).mapTo(Long.class).list());
            }
            return found;
        });
    }

    @Override
    public List<Refund> ofOrder(long orderId) {
        return db.read(handle -> handle.createQuery(SELECT_REFUND + "WHERE order_id = :orderId ORDER BY refund_key")
                .bind("orderId", orderId).map((row, context) -> Rows.refund(row)).list());
    }

    @Override
    public Optional<Refund> markProcessing(String refundId) {
        Objects.requireNonNull(refundId, "refundId");
        return db.inTransaction(handle -> {
            Refund refund = find(handle, refundId, true)
                    .orElseThrow(() -> new NoSuchElementException("No refund with id " + refundId));
            if (refund.status() != RefundStatus.PENDING) {
                return Optional.<Refund>empty();
            }
            Refund processing = refund.processing(db.now());
            update(handle, processing);
            return Optional.of(processing);
        });
    }

    @Override
    public Refund complete(String refundId, String paymentReference, Instant processedAt, List<NewEvent> events) {
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(paymentReference, "paymentReference");
        Objects.requireNonNull(processedAt, "processedAt");
        List<NewEvent> toAppend = List.copyOf(events);
        return db.inTransaction(handle -> {
            Locked locked = lockOrderThenRefund(handle, refundId);
            Refund refund = locked.refund();
            if (refund.status() == RefundStatus.COMPLETED) {
                return refund;
            }
            Instant now = db.now();
            Refund completed = refund.completed(paymentReference, Db.micros(processedAt), now);
            Order order = locked.order();
            Money refunded = Money.ofCents(handle.createQuery("SELECT COALESCE(SUM(amount_cents), 0) FROM refunds "
                    + "WHERE order_id = :orderId AND status = 'completed'")
                    .bind("orderId", order.id()).mapTo(Long.class).one()).plus(completed.amount());
            OrderStatus next = RefundRules.statusAfterRefund(order, refunded);
            handle.createUpdate("UPDATE orders SET status = :status, updated_at = :now WHERE id = :id")
                    .bind("status", Rows.wire(next)).bind("now", Db.at(now)).bind("id", order.id()).execute();
            update(handle, completed);
            outbox.appendAndCommit(handle, order.id(), toAppend, now);
            return completed;
        });
    }

    @Override
    public Refund fail(String refundId, String failureReason, List<NewEvent> events) {
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(failureReason, "failureReason");
        List<NewEvent> toAppend = List.copyOf(events);
        return db.inTransaction(handle -> {
            // The order stays as it is, but its row lock keeps its events in commit order.
            Refund refund = lockOrderThenRefund(handle, refundId).refund();
            if (refund.status() == RefundStatus.FAILED) {
                return refund;
            }
            Instant now = db.now();
            Refund failed = refund.failed(failureReason, now);
            update(handle, failed);
            outbox.appendAndCommit(handle, refund.orderId(), toAppend, now);
            return failed;
        });
    }

    private static void update(Handle handle, Refund refund) {
        handle.createUpdate("UPDATE refunds SET status = :status, failure_reason = :failureReason, "
                + "payment_reference = :paymentReference, processed_at = :processedAt, updated_at = :updatedAt "
                + "WHERE refund_id = :refundId")
                .bind("status", Rows.wire(refund.status()))
                .bind("failureReason", refund.failureReason())
                .bind("paymentReference", refund.paymentReference())
                .bind("processedAt", Db.at(refund.processedAt()))
                .bind("updatedAt", Db.at(refund.updatedAt()))
                .bind("refundId", refund.refundId())
                .execute();
    }

    @Override
    public Page<Refund> list(RefundQuery query) {
        Objects.requireNonNull(query, "query");
        PageQuery select = new PageQuery("SELECT " + Rows.REFUND_COLUMNS + " FROM refunds", "refund_key",
                query.beforeKey())
                .filter("order_id", query.orderId())
                .filter("customer_id", query.customerId())
                .filter("status", query.status())
                .filter("type", query.type());
        List<Keyed> rows = db.read(handle -> select.fetch(handle, query.limit(),
                (row, context) -> new Keyed(row.getLong("refund_key"), Rows.refund(row))));
        Page<Keyed> page = PageQuery.page(rows, query.limit(), Keyed::key);
        return new Page<>(page.items().stream().map(Keyed::refund).toList(), page.nextKey());
    }

    @Override
    public List<Refund> processedBetween(Instant fromInclusive, Instant toExclusive) {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        return db.read(handle -> handle.createQuery(SELECT_REFUND + "WHERE processed_at >= :from AND processed_at < :to "
                + "AND status = 'completed' ORDER BY processed_at, refund_key")
                .bind("from", Db.at(fromInclusive)).bind("to", Db.at(toExclusive))
                .map((row, context) -> Rows.refund(row)).list());
    }

    @Override
    public List<Refund> unfinished() {
        return db.read(handle -> handle.createQuery(SELECT_REFUND + "WHERE status IN ('pending', 'processing') "
                + "ORDER BY refund_key").map((row, context) -> Rows.refund(row)).list());
    }
}

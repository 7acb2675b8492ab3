package io.orderkpi.core.workflow;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.spi.ReservationResult;
import io.orderkpi.core.spi.StockService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an order through reserve stock → take payment → finalize (SPEC §4), one stored status at
 * a time.
 *
 * <p>Each step is a compare-and-set transition of the record store that records the step's
 * events with it, so a crash between steps leaves the order in the last stored status and the
 * next call resumes from there. Calls to the stock service and the payment gateway are
 * idempotent by (order, line) and by {@code order:{id}:charge}, so a resumed step repeats its
 * call and gets the first answer: stock is held once and money moves once.
 *
 * <p>A business failure (no stock, payment declined) releases every reserved line and cancels the
 * order, with the reason; it is final. A technical failure ({@link
 * io.orderkpi.core.lang.StoreUnavailableException}, including the gateways' unavailability) is
 * thrown: the order stays in its step and the job retries; after the last attempt the order is
 * listed by {@link #stuck} until {@link #recover} queues it again.
 *
 * <p>Thread-safe: two concurrent calls for one order race on the compare-and-set; the loser stops
 * ({@link ProcessOutcome#LOST_RACE}) having changed nothing the winner does not also do.
 */
public final class OrderWorkflow {

    /** Job type of a processing job on {@code order-processing}; payload is the order id. */
    public static final String PROCESS_JOB = "order.process";

    private static final Logger LOG = LoggerFactory.getLogger(OrderWorkflow.class);
    private static final int PAGE = 500;

    private final RecordStore records;
    private final StockService stock;
    private final PaymentGateway payments;
    private final Clock clock;

    public OrderWorkflow(RecordStore records, StockService stock, PaymentGateway payments, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.stock = Objects.requireNonNull(stock, "stock");
        this.payments = Objects.requireNonNull(payments, "payments");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Registers the {@value #PROCESS_JOB} handler on a worker engine (before it starts). */
    public void register(WorkerEngine workers) {
        workers.register(PROCESS_JOB, job -> process(Long.parseLong(job.payload())));
    }

    /** Queues one order for processing, deduplicated per order ({@code process:{id}}). */
    public UUID enqueue(WorkerEngine workers, long orderId) {
        return workers.enqueue(JobRequest.of(QueueNames.ORDER_PROCESSING, PROCESS_JOB, Long.toString(orderId))
                .withDedupKey("process:" + orderId).withSubject("order " + orderId));
    }

    /**
     * Queues every pending order, a page at a time (never all ids in memory at once); returns how
     * many were queued.
     */
    public long enqueuePending(WorkerEngine workers) {
        long queued = 0;
        OrderQuery query = OrderQuery.firstPage(PAGE).withStatus(OrderStatus.PENDING);
        while (true) {
            Page<Order> page = records.orders().list(query);
            for (Order order : page.items()) {
                enqueue(workers, order.id());
                queued++;
            }
            if (page.nextKey().isEmpty()) {
                return queued;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }

    /**
     * Orders left in an intermediate status for longer than {@code minAge} (a technical error
     * outlasted the retries, or a worker died), oldest first, at most {@code limit}.
     */
    public List<Order> stuck(Duration minAge, int limit) {
        return records.orders().inProgress(clock.instant().minus(minAge), 0, limit);
    }

    /** Queues every stuck order again; returns how many. */
    public int recover(WorkerEngine workers, Duration minAge) {
        return enqueueInProgress(workers, clock.instant().minus(minAge));
    }

    /** Queues every order in an intermediate status, whatever its age (the start-up sweep). */
    public int resumeInProgress(WorkerEngine workers) {
        return enqueueInProgress(workers, Instant.MAX);
    }

    /** Pages through the in-progress orders updated before {@code before}, queueing each. */
    private int enqueueInProgress(WorkerEngine workers, Instant before) {
        int queued = 0;
        long afterId = 0;
        while (true) {
            List<Order> page = records.orders().inProgress(before, afterId, PAGE);
            for (Order order : page) {
                enqueue(workers, order.id());
                queued++;
            }
            if (page.size() < PAGE) {
                return queued;
            }
            afterId = page.get(page.size() - 1).id();
        }
    }

    /**
     * Runs the order's remaining steps.
     *
     * @throws NoSuchElementException when there is no such order
     * @throws io.orderkpi.core.lang.StoreUnavailableException on a technical failure; the order stays
     *         in its last stored status and a later call resumes it
     */
    public ProcessResult process(long orderId) {
        Order order = records.orders().get(orderId)
                .orElseThrow(() -> new NoSuchElementException("Order not found: " + orderId));
        if (order.status().isFinal()) {
            return new ProcessResult(order, ProcessOutcome.ALREADY_FINAL);
        }
        while (!order.status().isFinal()) {
            Optional<Order> next = step(order);
            if (next.isEmpty()) {
                LOG.debug("Order {} was moved by another worker; stopping", orderId);
                Order current = records.orders().get(orderId).orElse(order);
                return new ProcessResult(current, ProcessOutcome.LOST_RACE);
            }
            order = next.get();
        }
        return new ProcessResult(order,
                order.status() == OrderStatus.COMPLETED ? ProcessOutcome.COMPLETED : ProcessOutcome.CANCELLED);
    }

    /** Runs the one step that leaves the order's current status; empty when the race was lost. */
    private Optional<Order> step(Order order) {
        return switch (order.status()) {
            case PENDING -> move(order, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                    event(EventType.ORDER_PROCESS_STARTED, order, Map.of()));
            case RESERVING_STOCK -> reserveStock(order);
            case STOCK_RESERVED -> move(order, OrderStatus.PROCESSING_PAYMENT, OrderChanges.none());
            case PROCESSING_PAYMENT -> charge(order);
            case PAYMENT_SUCCEEDED -> move(order, OrderStatus.COMPLETED, OrderChanges.none(),
                    event(EventType.ORDER_COMPLETED, order, Map.of()));
            case PAYMENT_FAILED, STOCK_RESERVATION_FAILED -> cancel(order);
            default -> throw new IllegalStateException("No workflow step leaves " + order.status());
        };
    }

    private Optional<Order> reserveStock(Order order) {
        List<OrderItem> items = order.items();
        for (int line = 0; line < items.size(); line++) {
            OrderItem item = items.get(line);
            ReservationResult result = stock.reserve(order.id(), line, item.productId(), item.quantity());
            if (!result.success()) {
                String reason = Objects.requireNonNullElse(result.reason(),
                        "Insufficient stock for product: " + item.productId());
                releaseAll(order);
                return move(order, OrderStatus.STOCK_RESERVATION_FAILED, OrderChanges.none().failed(now(), reason),
                        event(EventType.STOCK_RESERVATION_FAILED, order, Map.of(EventData.REASON, reason)));
            }
        }
        return move(order, OrderStatus.STOCK_RESERVED, OrderChanges.none().reservedAt(now()),
                event(EventType.STOCK_RESERVED, order, Map.of()));
    }

    private Optional<Order> charge(Order order) {
        PaymentResult result = payments.charge(PaymentGateway.chargeKey(order.id()), order);
        if (result.success()) {
            String reference = Objects.requireNonNull(result.reference(), "a successful charge has a reference");
            return move(order, OrderStatus.PAYMENT_SUCCEEDED,
                    OrderChanges.none().paidAt(now()).paymentReference(reference),
                    event(EventType.PAYMENT_PROCESSED, order,
                            Map.of(EventData.SUCCESS, "true", EventData.PAYMENT_REFERENCE, reference)));
        }
        String reason = Objects.requireNonNullElse(result.reason(), "Payment declined");
        return move(order, OrderStatus.PAYMENT_FAILED, OrderChanges.none().failed(now(), reason),
                event(EventType.PAYMENT_PROCESSED, order, Map.of(EventData.SUCCESS, "false", EventData.REASON, reason)));
    }

    /** The rollback: give back every line, then the final cancel with the recorded reason. */
    private Optional<Order> cancel(Order order) {
        releaseAll(order);
        String reason = Objects.requireNonNullElse(order.failureReason(), "Order failed");
        Instant failedAt = order.failedAt() != null ? order.failedAt() : now();
        return move(order, OrderStatus.CANCELLED, OrderChanges.none().failed(failedAt, reason),
                event(EventType.ORDER_FAILED, order, Map.of(EventData.REASON, reason)));
    }

    private void releaseAll(Order order) {
        for (int line = 0; line < order.items().size(); line++) {
            stock.release(order.id(), line);
        }
    }

    private Optional<Order> move(Order order, OrderStatus to, OrderChanges changes, NewEvent... events) {
        return records.orders().transition(order.id(), order.status(), to, changes, List.of(events));
    }

    /** Every workflow event carries what its subscribers need, so none has to read the order. */
    private static NewEvent event(EventType type, Order order, Map<String, String> extra) {
        Map<String, String> data = new HashMap<>(extra);
        data.put(EventData.ORDER_NUMBER, order.orderNumber());
        data.put(EventData.CUSTOMER_ID, order.customerId());
        data.put(EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()));
        data.put(EventData.PLACED_AT, order.placedAt().toString());
        return NewEvent.of(type, data);
    }

    private Instant now() {
        return clock.instant();
    }
}

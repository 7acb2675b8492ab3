package io.orderkpi.core.workflow;

import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.refund.OrderNotRefundableException;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import io.orderkpi.core.spi.RecordStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gives money back for orders (SPEC §6), either at once ({@link #request}) or through the
 * {@value QueueNames#REFUNDS} queue ({@link #submit}).
 *
 * <p>A refund moves in three stored steps, so a crash at any point resumes where it stopped
 * ({@link #resume}): {@link io.orderkpi.core.spi.RefundRecords#begin begin} checks the order and
 * the amount and stores the refund {@code pending} in one atomic step; {@code markProcessing}
 * records that the gateway is about to be called; {@code complete} or {@code fail} records its
 * answer together with the order's new status and the {@code RefundProcessed} or
 * {@code RefundFailed} event. Money never moves twice: the refund_id is the gateway's idempotency
 * key, so a resumed refund gets the gateway's first answer instead of a second refund.
 *
 * <p>Errors: a refund that may not be made throws before anything is stored
 * ({@link OrderNotRefundableException}, {@link RefundAmountException},
 * {@link RefundConflictException}, {@link NoSuchElementException} for an unknown order). A decline
 * is a business outcome: the refund ends {@code failed} with the gateway's reason and nothing else
 * changes. A technical failure ({@link GatewayUnavailableException}, {@link StoreUnavailableException})
 * propagates and leaves the refund {@code processing} for {@link #resume} or a job retry.
 *
 * <p>Thread-safe: all state is in the record store; concurrent calls for one refund are safe
 * because every step is a compare-and-set or idempotent.
 */
public final class RefundService {

    /** The job type of the queued path; its payload is the refund_id. */
    public static final String JOB_TYPE = "refund.process";

    private final RecordStore records;
    private final PaymentGateway gateway;
    private final Clock clock;
    private final AtomicReference<WorkerEngine> workers = new AtomicReference<>();

    /**
     * @param clock gives each refund's {@code processed_at}, which decides its KPI day
     */
    public RefundService(RecordStore records, PaymentGateway gateway, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The dedup key of a refund's job: one queued job per refund at a time. */
    public static String dedupKey(String refundId) {
        return "refund:" + refundId;
    }

    /**
     * Stores the refund and processes it before returning. When the refund_id exists and answers
     * the request, returns that first refund as it is ({@code created = false}) and changes nothing.
     *
     * @return the refund {@code completed} or {@code failed}, or the first refund of the refund_id
     * @throws RefundAmountException         when the amount is not above zero or above what is
     *                                       refundable; nothing is stored
     * @throws OrderNotRefundableException   when the order is not completed or partially refunded
     * @throws RefundConflictException       when the refund_id names another refund
     * @throws NoSuchElementException        when the order does not exist
     * @throws StoreUnavailableException (including {@link GatewayUnavailableException}) when a
     *         store or the gateway is unreachable after the refund was stored: it stays
     *         {@code pending} or {@code processing} for {@link #resume}
     */
    public RefundOutcome request(RefundRequest request) {
        RefundOutcome started = begin(request);
        if (!started.created()) {
            return started;
        }
        return new RefundOutcome(process(started.refund()), true);
    }

    /**
     * Stores the refund and queues its processing on {@value QueueNames#REFUNDS}, returning at
     * once with the refund {@code pending} (HTTP answers 202). A refund_id that exists returns its
     * first refund; if that one is unfinished its job is queued again (deduplicated by
     * {@link #dedupKey}), so a caller retrying after a crash between storing and queueing does not
     * leave it waiting for the next start-up sweep.
     *
     * @throws IllegalStateException when {@link #register} has not been called
     * @throws OrderKpiException      (the subclasses {@link #request} lists) or
     *                                {@link NoSuchElementException} when the refund may not be
     *                                made; nothing is stored or queued
     */
    public RefundOutcome submit(RefundRequest request) {
        WorkerEngine jobs = boundWorkers();
        RefundOutcome started = begin(request);
        if (!started.refund().status().isFinished()) {
            enqueue(jobs, started.refund().refundId());
        }
        return started;
    }

    /**
     * Continues a refund from the step where it stopped: a {@code pending} one is marked
     * {@code processing}, a {@code processing} one asks the gateway (again, with the same key, so
     * nothing is refunded twice) and records the answer. A finished refund is returned unchanged.
     * Used by the refund job and the start-up sweep.
     *
     * @throws NoSuchElementException when no refund has this id
     * @throws StoreUnavailableException (including {@link GatewayUnavailableException}) as
     *         {@link #request}
     */
    public Refund resume(String refundId) {
        Objects.requireNonNull(refundId, "refundId");
        Refund refund = records.refunds().get(refundId)
                .orElseThrow(() -> new NoSuchElementException("No refund with id " + refundId));
        return process(refund);
    }

    /**
     * Registers the {@value #JOB_TYPE} handler on {@code jobs} (before it starts) and binds this
     * service to it for {@link #submit}. A technical failure in the handler makes the engine retry
     * the job with backoff.
     *
     * @throws IllegalStateException when this service is registered already
     */
    public void register(WorkerEngine jobs) {
        Objects.requireNonNull(jobs, "jobs");
        if (!workers.compareAndSet(null, jobs)) {
            throw new IllegalStateException("RefundService is registered with a worker engine already");
        }
        jobs.register(JOB_TYPE, job -> resume(job.payload()));
    }

    /**
     * The start-up sweep: queues a job for every {@code pending} or {@code processing} refund
     * (deduplicated by {@link #dedupKey}).
     *
     * @return how many refunds were queued
     * @throws IllegalStateException when {@link #register} has not been called
     */
    public int enqueueUnfinished() {
        WorkerEngine jobs = boundWorkers();
        List<Refund> unfinished = records.refunds().unfinished();
        for (Refund refund : unfinished) {
            enqueue(jobs, refund.refundId());
        }
        return unfinished.size();
    }

    private RefundOutcome begin(RefundRequest request) {
        Objects.requireNonNull(request, "request");
        Money amount = request.amount();
        // Refused here, before the store is asked; the store checks it again as its contract says.
        if (amount != null && !amount.isPositive()) {
            throw RefundAmountException.notPositive(request.orderId(), amount);
        }
        return records.refunds().begin(request);
    }

    private WorkerEngine boundWorkers() {
        WorkerEngine jobs = workers.get();
        if (jobs == null) {
            throw new IllegalStateException("RefundService.register(workers) must be called before queued refunds");
        }
        return jobs;
    }

    private static void enqueue(WorkerEngine jobs, String refundId) {
        jobs.enqueue(JobRequest.of(QueueNames.REFUNDS, JOB_TYPE, refundId).withDedupKey(dedupKey(refundId))
                .withSubject("refund " + refundId));
    }

    private Refund process(Refund refund) {
        Refund current = refund;
        if (current.status() == RefundStatus.PENDING) {
            // Empty when another worker moved it first; carry on from what it is now.
            current = records.refunds().markProcessing(current.refundId()).orElseGet(() -> reread(refund));
        }
        if (current.status() != RefundStatus.PROCESSING) {
            return current;
        }
        // The order's fields go into the events; orders are never deleted, so it is there.
        Order order = records.orders().get(current.orderId())
                .orElseThrow(() -> new NoSuchElementException("No order with id " + refund.orderId()));
        PaymentResult result = gateway.refund(current.refundId(), current.orderId(), current.amount());
        if (result.success()) {
            String reference = Objects.requireNonNull(result.reference(), "reference of a successful refund");
            Instant processedAt = clock.instant();
            return records.refunds().complete(current.refundId(), reference, processedAt,
                    List.of(processed(current, order, reference, processedAt)));
        }
        String reason = Objects.requireNonNull(result.reason(), "reason of a declined refund");
        return records.refunds().fail(current.refundId(), reason, List.of(failed(current, order, reason)));
    }

    private Refund reread(Refund refund) {
        return records.refunds().get(refund.refundId())
                .orElseThrow(() -> new NoSuchElementException("No refund with id " + refund.refundId()));
    }

    /** What both refund events carry: enough for analytics and notifications without a read back. */
    private static Map<String, String> eventData(Refund refund, Order order) {
        Map<String, String> data = new HashMap<>();
        data.put(EventData.REFUND_ID, refund.refundId());
        data.put(EventData.REFUND_CENTS, Long.toString(refund.amount().cents()));
        data.put(EventData.REFUND_TYPE, refund.type().wireName());
        data.put(EventData.CUSTOMER_ID, order.customerId());
        data.put(EventData.ORDER_NUMBER, order.orderNumber());
        data.put(EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()));
        data.put(EventData.PLACED_AT, order.placedAt().toString());
        return data;
    }

    private static NewEvent processed(Refund refund, Order order, String reference, Instant processedAt) {
        Map<String, String> data = eventData(refund, order);
        data.put(EventData.PAYMENT_REFERENCE, reference);
        data.put(EventData.PROCESSED_AT, processedAt.toString());
        return NewEvent.of(EventType.REFUND_PROCESSED, data);
    }

    private static NewEvent failed(Refund refund, Order order, String reason) {
        Map<String, String> data = eventData(refund, order);
        data.put(EventData.REASON, reason);
        return NewEvent.of(EventType.REFUND_FAILED, data);
    }
}

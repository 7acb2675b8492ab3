package io.orderkpi.core.notifier;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.notification.EmailMasking;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.notification.NotificationRejectedException;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationTemplates;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.Notifier;
import io.orderkpi.core.spi.RecordStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifies customers of completed and failed orders and of processed refunds (SPEC §7).
 *
 * <p>Two halves, joined by the {@code notifications} queue so the workflow never waits for a
 * channel:
 * <ol>
 *   <li><b>Subscriber</b> ({@link #handle}, delivered by the outbox relay): for an
 *       {@code OrderCompleted}, {@code OrderFailed} or {@code RefundProcessed} event it stores one
 *       notification per configured channel and enqueues a {@value #SEND_JOB} job for each.
 *       Events of imported orders ({@link EventData#IMPORTED}) are ignored: imported orders are
 *       counted, never notified. A redelivered event finds its notifications by their unique key
 *       and creates nothing; it only queues again those still pending, in case the first delivery
 *       stopped between storing and queueing (the job's dedup key keeps that to one job).</li>
 *   <li><b>Job handler</b> ({@link #register}): loads the notification, does nothing if it was
 *       sent already, else sends it through its channel's {@link Notifier} and records the attempt
 *       on the same row. A failed attempt is recorded and then thrown, so the queue retries it with
 *       its {@link io.orderkpi.core.queue.RetryPolicy} (3 attempts by default) and finally lists
 *       the job as failed. A {@link NotificationRejectedException} (the channel says retrying
 *       cannot help) is recorded as {@code failed} with its reason and not thrown: the job ends
 *       after that one attempt. Delivery is at least once: a crash between sending and recording
 *       sends again.</li>
 * </ol>
 *
 * <p>Errors recorded or thrown for a failed attempt have every e-mail address masked, since the
 * queue logs them (SPEC §7: logs never show a full address). Stateless beyond its configuration,
 * hence thread-safe.
 */
public final class NotificationService implements EventSubscriber {

    /** The subscriber name the outbox keeps this service's delivery bookkeeping under. */
    public static final String NAME = "notifications";

    /** The job type of a send; the payload is the notification id. */
    public static final String SEND_JOB = "notification.send";

    /** Stored errors are capped: a channel's error may be a whole server transcript. */
    static final int MAX_ERROR_LENGTH = 1_000;

    private static final String UNKNOWN_REASON = "Unknown reason";

    private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);

    private final RecordStore records;
    private final WorkerEngine workers;
    private final Map<String, Notifier> notifiers;
    private final Clock clock;

    /**
     * @param records   where notifications are stored, and orders read
     * @param workers   where sends are queued; call {@link #register()} before it starts
     * @param notifiers one per channel, at least one ({@link LogNotifier} is always available);
     *                  each event gets one notification per notifier, in this order
     * @param clock     the time of recorded attempts
     */
    public NotificationService(RecordStore records, WorkerEngine workers, List<Notifier> notifiers, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, Notifier> byChannel = new LinkedHashMap<>();
        for (Notifier notifier : notifiers) {
            if (byChannel.putIfAbsent(notifier.channel(), notifier) != null) {
                throw new IllegalArgumentException("Two notifiers have the channel '" + notifier.channel()
                        + "'; configure each channel once");
            }
        }
        if (byChannel.isEmpty()) {
            throw new IllegalArgumentException("A NotificationService needs at least one notifier; use a LogNotifier");
        }
        this.notifiers = byChannel;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The configured channels, in the order notifications are created. */
    public List<String> channels() {
        return List.copyOf(notifiers.keySet());
    }

    /**
     * Registers the {@value #SEND_JOB} handler on the service's worker engine. Once, before the
     * engine starts. It takes no engine of its own so the handler always runs where the jobs are queued.
     *
     * @throws IllegalStateException when the job type already has a handler
     */
    public void register() {
        workers.register(SEND_JOB, this::send);
    }

    /**
     * The start-up sweep (SPEC §8): queues every notification that is still pending again and
     * returns how many. Jobs still waiting in a shared queue are not doubled (dedup key
     * {@code notification:{id}}), and a notification sent meanwhile is skipped by its job.
     */
    public int resumePending() {
        List<Notification> pending = notifications().pending();
        pending.forEach(notification -> enqueue(notification.id()));
        return pending.size();
    }

    @Override
    public void handle(OutboxEvent event) {
        Optional<NotificationType> type = NotificationType.forEvent(event.type());
        if (type.isEmpty() || "true".equals(event.data().get(EventData.IMPORTED))) {
            return;
        }
        Order order = records.orders().get(event.orderId()).orElseThrow(() -> new NoSuchElementException(
                "Event " + event.sequence() + " (" + event.type() + ") names order " + event.orderId()
                        + ", which does not exist"));
        Draft draft = draft(type.get(), event, order);
        for (String channel : notifiers.keySet()) {
            NewNotification wanted = new NewNotification(order.id(), draft.refundId, draft.customerId,
                    draft.orderStatus, draft.totalAmount, type.get(), channel, draft.message.body());
            Notification stored = notifications().createIfAbsent(wanted).notification();
            // A new one is pending; an old one still pending may have missed its job.
            if (stored.state() == NotificationState.PENDING) {
                enqueue(stored.id());
            }
        }
    }

    /** What every channel's notification of one event shares. */
    private record Draft(@Nullable String refundId, String customerId, String orderStatus, Money totalAmount,
            NotificationMessage message) {
    }

    private static Draft draft(NotificationType type, OutboxEvent event, Order order) {
        Map<String, String> data = event.data();
        String customerId = data.getOrDefault(EventData.CUSTOMER_ID, order.customerId());
        String total = data.get(EventData.TOTAL_CENTS);
        Money totalAmount = total != null ? Money.ofCents(Long.parseLong(total)) : order.totalAmount();
        return switch (type) {
            case ORDER_COMPLETED -> new Draft(null, customerId, OrderStatus.COMPLETED.wireName(), totalAmount,
                    NotificationTemplates.orderCompleted(order));
            case ORDER_FAILED -> {
                String reason = data.get(EventData.REASON);
                if (reason == null || reason.isBlank()) {
                    reason = order.failureReason() != null ? order.failureReason() : UNKNOWN_REASON;
                }
                yield new Draft(null, customerId, OrderStatus.CANCELLED.wireName(), totalAmount,
                        NotificationTemplates.orderFailed(order, reason));
            }
            case REFUND_PROCESSED -> {
                String refundId = required(event, EventData.REFUND_ID);
                Money refunded = Money.ofCents(Long.parseLong(required(event, EventData.REFUND_CENTS)));
                // The order's status now: partially_refunded or refunded after this refund.
                yield new Draft(refundId, customerId, order.status().wireName(), totalAmount,
                        NotificationTemplates.refundProcessed(order, refundId, refunded));
            }
        };
    }

    private static String required(OutboxEvent event, String key) {
        String value = event.data().get(key);
        if (value == null || value.isBlank()) {
            throw new OrderKpiException("Event " + event.sequence() + " (" + event.type() + ") of order "
                    + event.orderId() + " has no " + key + "; cannot notify it");
        }
        return value;
    }

    private void enqueue(long notificationId) {
        workers.enqueue(JobRequest.of(QueueNames.NOTIFICATIONS, SEND_JOB, Long.toString(notificationId))
                .withDedupKey("notification:" + notificationId).withSubject("notification " + notificationId));
    }

    /** The {@value #SEND_JOB} handler. */
    private void send(Job job) throws Exception {
        long id = Long.parseLong(job.payload());
        Notification notification = notifications().get(id).orElseThrow(() -> new NoSuchElementException(
                "Job " + job.id() + " names notification " + id + ", which does not exist"));
        if (notification.state() == NotificationState.SENT) {
            return; // a duplicate job: sent already
        }
        try {
            Notifier notifier = notifiers.get(notification.channel());
            if (notifier == null) {
                throw new OrderKpiException("No notifier is configured for channel '" + notification.channel()
                        + "'; configure it, then retry the failed job");
            }
            notifier.send(notification, messageOf(notification));
        } catch (InterruptedException e) {
            // A shutdown, not the channel's failure: no attempt is recorded and the job stays queued.
            throw e;
        } catch (NotificationRejectedException e) {
            // Retrying cannot help: record the reason once and end the job without an exception.
            String reason = capped(EmailMasking.maskAll(String.valueOf(e.getMessage()).strip()));
            notifications().recordAttempt(id, false, reason, clock.instant());
            LOG.warn("Notification {} ({} via {}) was not sent and will not be retried: {}", notification.id(),
                    notification.type().wireName(), notification.channel(), reason);
            return;
        } catch (Exception e) {
            String error = describe(e);
            notifications().recordAttempt(id, false, error, clock.instant());
            throw new NotificationSendException(notification, error, e);
        }
        notifications().recordAttempt(id, true, null, clock.instant());
    }

    /** The message as sent: the stored body, the subject and recipient from the order. */
    private NotificationMessage messageOf(Notification notification) {
        Order order = records.orders().get(notification.orderId()).orElseThrow(() -> new NoSuchElementException(
                "Notification " + notification.id() + " names order " + notification.orderId()
                        + ", which does not exist"));
        return new NotificationMessage(NotificationTemplates.subject(notification.type(), order.orderNumber()),
                notification.message(), order.customerEmail().strip(), order.customerName().strip());
    }

    /** Class and message of a failure and of its root cause, addresses masked, capped. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName());
        if (failure.getMessage() != null) {
            // Server replies end with a line break; the stored text is one line.
            text.append(": ").append(failure.getMessage().strip());
        }
        Throwable root = failure;
        // Bounded: a cause chain may be cyclic.
        for (int depth = 0; depth < 32 && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        if (root != failure) {
            text.append(" (caused by ").append(root.getClass().getSimpleName());
            if (root.getMessage() != null) {
                text.append(": ").append(root.getMessage().strip());
            }
            text.append(')');
        }
        return capped(EmailMasking.maskAll(text.toString()));
    }

    /** At most {@link #MAX_ERROR_LENGTH} characters, never half a character. */
    private static String capped(String masked) {
        if (masked.length() <= MAX_ERROR_LENGTH) {
            return masked;
        }
        int cut = MAX_ERROR_LENGTH - 3;
        if (Character.isHighSurrogate(masked.charAt(cut - 1))) {
            cut--; // never keep half a character
        }
        return masked.substring(0, cut) + "...";
    }

    private NotificationRecords notifications() {
        return records.notifications();
    }

    /**
     * A failed send as the queue sees (and logs) it: the masked description only. The original
     * exception is left out on purpose, since its message may hold the recipient's address; its
     * stack trace is kept to show where the channel failed.
     */
    static final class NotificationSendException extends OrderKpiException {

        NotificationSendException(Notification notification, String error, Throwable failure) {
            super("Notification " + notification.id() + " (" + notification.type().wireName() + " via "
                    + notification.channel() + ") was not sent: " + error);
            setStackTrace(failure.getStackTrace());
        }
    }
}

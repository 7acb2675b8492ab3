package io.orderkpi.core.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.notification.NotificationRejectedException;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.relay.OutboxRelay;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.memory.MemoryLease;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.Notifier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40));
    private static final Instant PLACED_AT = Instant.parse("2025-11-16T10:15:30Z");

    private final Clock clock = Clock.systemUTC();
    private final MemoryRecordStore records = new MemoryRecordStore(clock);
    private final List<WorkerEngine> queues = new ArrayList<>();
    private final List<OutboxRelay> relays = new ArrayList<>();

    @AfterEach
    void closeQueuesAndRelays() {
        relays.forEach(OutboxRelay::close);
        queues.forEach(WorkerEngine::close);
    }

    // ---- fixtures ----

    /** A notifier that records what it sends and fails its first {@code failures} calls. */
    static final class RecordingNotifier implements Notifier {
        final String channel;
        final AtomicInteger failuresLeft;
        final AtomicInteger calls = new AtomicInteger();
        final Queue<NotificationMessage> sent = new ConcurrentLinkedQueue<>();

        RecordingNotifier(String channel, int failures) {
            this.channel = channel;
            this.failuresLeft = new AtomicInteger(failures);
        }

        static RecordingNotifier working(String channel) {
            return new RecordingNotifier(channel, 0);
        }

        static RecordingNotifier failing(String channel) {
            return new RecordingNotifier(channel, Integer.MAX_VALUE);
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public void send(Notification notification, NotificationMessage message) throws IOException {
            calls.incrementAndGet();
            if (failuresLeft.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0) {
                // As an SMTP server answers: with the full address, which must not reach the logs.
                throw new IOException("550 5.1.1 <" + message.recipient() + ">: mailbox unavailable");
            }
            sent.add(message);
        }
    }

    private WorkerEngine newQueue() {
        WorkerEngine queue = WorkerEngine.builder(new MemoryJobStore()).retryPolicy(FAST).shutdownGrace(Duration.ofSeconds(5)).build();
        queues.add(queue);
        return queue;
    }

    /** A service on a new queue with its handler registered; the queue is not started yet. */
    private NotificationService service(Notifier... notifiers) {
        NotificationService service = new NotificationService(records, newQueue(), List.of(notifiers), clock);
        service.register();
        return service;
    }

    private static void start(NotificationService service, WorkerEngine queue) {
        queue.start(Map.of(QueueNames.NOTIFICATIONS, 2));
    }

    private WorkerEngine lastQueue() {
        return queues.get(queues.size() - 1);
    }

    private void deliver(NotificationService service) throws InterruptedException {
        OutboxRelay relay = OutboxRelay.builder(records.outbox(), new MemoryLease()).subscriber(service).clock(clock)
                .retry(FAST).pollInterval(Duration.ofMillis(10)).build();
        relays.add(relay);
        relay.drain();
    }

    private static NewOrder order(String number, OrderStatus status) {
        return new NewOrder(number, "cust-1", "Ada Lovelace", "ada@example.com", status, Money.parse("129.50"), "EUR",
                List.of(new OrderItem("P-1", "Product P-1", "SKU-P-1", 1, Money.parse("129.50"))), PLACED_AT);
    }

    private static Map<String, String> data(NewOrder order) {
        Map<String, String> data = new HashMap<>();
        data.put(EventData.ORDER_NUMBER, order.orderNumber());
        data.put(EventData.CUSTOMER_ID, order.customerId());
        data.put(EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()));
        data.put(EventData.PLACED_AT, order.placedAt().toString());
        return data;
    }

    private Order completedOrder(String number) {
        NewOrder order = order(number, OrderStatus.COMPLETED);
        return records.orders().insert(order, List.of(NewEvent.of(EventType.ORDER_COMPLETED, data(order))));
    }

    private Order failedOrder(String number, String reason) {
        NewOrder order = order(number, OrderStatus.CANCELLED);
        Map<String, String> data = data(order);
        data.put(EventData.REASON, reason);
        return records.orders().insert(order, List.of(NewEvent.of(EventType.ORDER_FAILED, data)));
    }

    private Order refunded(Order completed, String refundId, String amount) {
        Map<String, String> data = new HashMap<>();
        data.put(EventData.ORDER_NUMBER, completed.orderNumber());
        data.put(EventData.CUSTOMER_ID, completed.customerId());
        data.put(EventData.TOTAL_CENTS, Long.toString(completed.totalAmount().cents()));
        data.put(EventData.REFUND_ID, refundId);
        data.put(EventData.REFUND_CENTS, Long.toString(Money.parse(amount).cents()));
        return records.orders().transition(completed.id(), completed.status(), OrderStatus.PARTIALLY_REFUNDED,
                OrderChanges.none(), List.of(NewEvent.of(EventType.REFUND_PROCESSED, data))).orElseThrow();
    }

    private OutboxEvent onlyEventOf(Order order) {
        List<OutboxEvent> events = records.outbox().eventsOf(order.id());
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private List<Notification> allNotifications() {
        return records.notifications().list(NotificationQuery.firstPage(100)).items();
    }

    private QueueStats notificationQueue(WorkerEngine queue) {
        return queue.store().stats().get(QueueNames.NOTIFICATIONS);
    }

    private void awaitIdle(WorkerEngine queue) {
        await().atMost(TIMEOUT).until(() -> {
            QueueStats stats = notificationQueue(queue);
            return stats == null || stats.pending() + stats.running() == 0;
        });
    }

    // ---- tests ----

    @Test
    void createsOneNotificationPerChannelAndSendsEachThroughItsChannel() throws Exception {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(new LogNotifier(), email);
        Order order = completedOrder("A-1");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(allNotifications())
                .extracting(Notification::channel, Notification::state, Notification::attempts)
                .containsExactlyInAnyOrder(tuple("log", NotificationState.SENT, 1),
                        tuple("email", NotificationState.SENT, 1)));
        assertThat(allNotifications()).allSatisfy(notification -> {
            assertThat(notification.orderId()).isEqualTo(order.id());
            assertThat(notification.refundId()).isNull();
            assertThat(notification.customerId()).isEqualTo("cust-1");
            assertThat(notification.orderStatus()).isEqualTo("completed");
            assertThat(notification.totalAmount()).isEqualTo(Money.parse("129.50"));
            assertThat(notification.type()).isEqualTo(NotificationType.ORDER_COMPLETED);
            assertThat(notification.errorMessage()).isNull();
            assertThat(notification.sentAt()).isNotNull();
        });
        assertThat(email.sent).singleElement().satisfies(message -> {
            assertThat(message.subject()).isEqualTo("Order #A-1 Confirmed");
            assertThat(message.recipient()).isEqualTo("ada@example.com");
            assertThat(message.body()).contains("129.50 EUR");
        });
        assertThat(service.channels()).containsExactly("log", "email");
    }

    @Test
    void theSameEventDeliveredTwiceCreatesOneNotificationAndSendsItOnce() {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(email);
        OutboxEvent event = onlyEventOf(completedOrder("A-1"));

        service.handle(event);
        service.handle(event);
        start(service, lastQueue());
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(allNotifications())
                .extracting(Notification::state).containsExactly(NotificationState.SENT));
        awaitIdle(lastQueue());
        service.handle(event);

        assertThat(allNotifications()).hasSize(1);
        assertThat(email.calls).hasValue(1);
        assertThat(notificationQueue(lastQueue())).extracting(QueueStats::pending, QueueStats::completed)
                .containsExactly(0L, 1L);
    }

    @Test
    void eventsOfImportedOrdersAndEventsThatNotifyNobodyAreIgnored() {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(email);
        NewOrder imported = order("I-1", OrderStatus.COMPLETED);
        Map<String, String> importedData = data(imported);
        importedData.put(EventData.IMPORTED, "true");
        Order importedOrder = records.orders().insert(imported,
                List.of(NewEvent.of(EventType.ORDER_COMPLETED, importedData)));
        NewOrder placed = order("A-1", OrderStatus.PENDING);
        Order placedOrder = records.orders().insert(placed,
                List.of(NewEvent.of(EventType.ORDER_PROCESS_STARTED, data(placed))));

        service.handle(onlyEventOf(importedOrder));
        service.handle(onlyEventOf(placedOrder));

        assertThat(allNotifications()).isEmpty();
        assertThat(notificationQueue(lastQueue())).isNull();
    }

    @Test
    void aFailingChannelIsRetriedOnTheSameRowThenItsJobIsListedAsFailed() throws Exception {
        RecordingNotifier email = RecordingNotifier.failing("email");
        NotificationService service = service(email);
        completedOrder("A-1");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).until(() -> !lastQueue().store().failed(QueueNames.NOTIFICATIONS, null, Long.MAX_VALUE, 100).items().isEmpty());
        assertThat(email.calls).hasValue(3);
        Notification notification = allNotifications().get(0);
        assertThat(allNotifications()).hasSize(1);
        assertThat(notification).extracting(Notification::state, Notification::attempts, Notification::sentAt)
                .containsExactly(NotificationState.FAILED, 3, null);
        assertThat(notification.errorMessage())
                .isEqualTo("IOException: 550 5.1.1 <a***@example.com>: mailbox unavailable");
        FailedJob job = lastQueue().store().failed(QueueNames.NOTIFICATIONS, null, Long.MAX_VALUE, 100).items().get(0);
        assertThat(job).extracting(FailedJob::type, FailedJob::subject, FailedJob::attempts)
                .containsExactly(NotificationService.SEND_JOB, "notification " + notification.id(), 3);
        assertThat(job.lastError()).contains("a***@example.com").doesNotContain("ada@example.com");
    }

    @Test
    void aChannelThatFailsOnceThenSucceedsEndsSentAfterTwoAttempts() throws Exception {
        RecordingNotifier email = new RecordingNotifier("email", 1);
        NotificationService service = service(email);
        completedOrder("A-1");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(allNotifications())
                .extracting(Notification::state).containsExactly(NotificationState.SENT));
        Notification notification = allNotifications().get(0);
        assertThat(notification.attempts()).isEqualTo(2);
        assertThat(notification.sentAt()).isNotNull();
        assertThat(notification.errorMessage()).contains("a***@example.com");
        assertThat(email.sent).hasSize(1);
        assertThat(lastQueue().store().failed(null, null, Long.MAX_VALUE, 100).items()).isEmpty();
    }

    /** A channel that refuses every message for good, as an SMTP server answers 550. */
    static final class RejectingNotifier implements Notifier {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String channel() {
            return "email";
        }

        @Override
        public void send(Notification notification, NotificationMessage message) {
            calls.incrementAndGet();
            throw new NotificationRejectedException("550 5.1.1 <" + message.recipient() + ">: mailbox unavailable");
        }
    }

    @Test
    void aRejectedNotificationIsRecordedFailedOnceAndNeitherRetriedNorListedAsAFailedJob() throws Exception {
        RejectingNotifier email = new RejectingNotifier();
        NotificationService service = service(new LogNotifier(), email);
        completedOrder("A-1");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(allNotifications())
                .extracting(Notification::channel, Notification::state)
                .containsExactlyInAnyOrder(tuple("log", NotificationState.SENT),
                        tuple("email", NotificationState.FAILED)));
        awaitIdle(lastQueue());
        Notification rejected = allNotifications().stream().filter(n -> n.channel().equals("email")).findFirst()
                .orElseThrow();
        assertThat(rejected).extracting(Notification::attempts, Notification::errorMessage, Notification::sentAt)
                .containsExactly(1, "550 5.1.1 <a***@example.com>: mailbox unavailable", null);
        assertThat(email.calls).hasValue(1);
        assertThat(lastQueue().store().failed(null, null, Long.MAX_VALUE, 100).items()).isEmpty();
        assertThat(notificationQueue(lastQueue()).completed()).isEqualTo(2);
    }

    @Test
    void theMessageCarriesTheCustomersNameForChannelsThatAddressByName() throws Exception {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(email);
        completedOrder("A-1");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(email.sent).hasSize(1));
        assertThat(email.sent.peek()).extracting(NotificationMessage::recipient, NotificationMessage::recipientName)
                .containsExactly("ada@example.com", "Ada Lovelace");
        assertThat(email.sent.peek().toString()).doesNotContain("ada@example.com", "Ada Lovelace");
    }

    @Test
    void aFailedOrderIsNotifiedWithItsReason() throws Exception {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(email);
        failedOrder("A-2", "Payment declined by bank");

        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(email.sent).hasSize(1));
        NotificationMessage message = email.sent.peek();
        assertThat(message.subject()).isEqualTo("Order #A-2 Failed");
        assertThat(message.body()).contains("Reason: Payment declined by bank");
        assertThat(allNotifications()).extracting(Notification::type, Notification::orderStatus, Notification::message)
                .containsExactly(tuple(NotificationType.ORDER_FAILED, "cancelled", message.body()));
    }

    @Test
    void eachRefundOfAnOrderIsNotifiedOnceWithItsAmountAndId() throws Exception {
        RecordingNotifier email = RecordingNotifier.working("email");
        NotificationService service = service(email);
        Order completed = completedOrder("A-3");
        Order afterFirst = refunded(completed, "R-1", "10.00");
        refunded(afterFirst, "R-2", "5.25");

        deliver(service);
        deliver(service);
        start(service, lastQueue());

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(email.sent).hasSize(3));
        assertThat(allNotifications())
                .extracting(Notification::type, Notification::refundId, Notification::orderStatus)
                .containsExactly(tuple(NotificationType.REFUND_PROCESSED, "R-2", "partially_refunded"),
                        tuple(NotificationType.REFUND_PROCESSED, "R-1", "partially_refunded"),
                        tuple(NotificationType.ORDER_COMPLETED, null, "completed"));
        assertThat(email.sent).filteredOn(message -> message.subject().equals("Refund for Order #A-3 Processed"))
                .extracting(NotificationMessage::body)
                .satisfiesExactlyInAnyOrder(
                        body -> assertThat(body).contains("10.00 EUR", "Refund ID: R-1"),
                        body -> assertThat(body).contains("5.25 EUR", "Refund ID: R-2"));
    }

    @Test
    void resumePendingQueuesTheNotificationsAStoppedProcessLeftPending() {
        // The first process stored the notification; its queue (and the job) died with it.
        RecordingNotifier email = RecordingNotifier.working("email");
        service(email).handle(onlyEventOf(completedOrder("A-1")));
        lastQueue().close();

        NotificationService restarted = service(email);
        int resumed = restarted.resumePending();
        start(restarted, lastQueue());

        assertThat(resumed).isEqualTo(1);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(allNotifications())
                .extracting(Notification::state).containsExactly(NotificationState.SENT));
        assertThat(email.calls).hasValue(1);
        assertThat(restarted.resumePending()).isZero();
    }

    @Test
    void aNotificationOfAChannelNoLongerConfiguredFailsWithWhatToDo() {
        service(new LogNotifier(), RecordingNotifier.working("email")).handle(onlyEventOf(completedOrder("A-1")));
        lastQueue().close();

        NotificationService logOnly = service(new LogNotifier());
        logOnly.resumePending();
        start(logOnly, lastQueue());

        await().atMost(TIMEOUT).until(() -> !lastQueue().store().failed(QueueNames.NOTIFICATIONS, null, Long.MAX_VALUE, 100).items().isEmpty());
        assertThat(allNotifications()).extracting(Notification::channel, Notification::state)
                .containsExactly(tuple("email", NotificationState.FAILED), tuple("log", NotificationState.SENT));
        assertThat(allNotifications().get(0).errorMessage())
                .contains("No notifier is configured for channel 'email'");
    }

    @Test
    void refusesNoNotifierAndTwoNotifiersOfOneChannel() {
        WorkerEngine queue = newQueue();

        assertThatThrownBy(() -> new NotificationService(records, queue, List.of(), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LogNotifier");
        assertThatThrownBy(() -> new NotificationService(records, queue,
                List.of(new LogNotifier(), RecordingNotifier.working("log")), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'log'");
    }

    @Test
    void describeMasksAddressesOfTheFailureAndItsRootCauseAndCapsTheLength() {
        Exception failure = new IllegalStateException("send to bob@example.org failed",
                new IOException("wrapped", new IOException("550 <alice@example.net> unknown")));

        assertThat(NotificationService.describe(failure)).isEqualTo(
                "IllegalStateException: send to b***@example.org failed"
                        + " (caused by IOException: 550 <a***@example.net> unknown)");
        assertThat(NotificationService.describe(new IOException("451 4.3.0 try later\r\n",
                new IOException("\n421 closing\n")))).isEqualTo("IOException: 451 4.3.0 try later"
                        + " (caused by IOException: 421 closing)");
        assertThat(NotificationService.describe(new IOException("x".repeat(5_000))))
                .hasSize(NotificationService.MAX_ERROR_LENGTH).endsWith("...");
    }
}

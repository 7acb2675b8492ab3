package io.orderkpi.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.notifier.LogNotifier;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.Notifier;
import io.orderkpi.core.spi.NotificationQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The e-mail channel inside OrderKPI: completed orders go through the outbox, the notification
 * service and the {@code notifications} queue to GreenMail, with {@link SmtpProxy} playing the
 * network and server failures GreenMail cannot.
 */
class EmailDeliveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant PLACED_AT = Instant.parse("2026-11-30T10:15:30Z");

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(TestSmtp.smtp());

    private final MemoryRecordStore records = new MemoryRecordStore();
    private SmtpProxy proxy;
    private EmailNotifier email;
    private OrderKpi kpi;

    @BeforeEach
    void startProxy() throws Exception {
        proxy = SmtpProxy.to(GREEN_MAIL.getSmtp().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (kpi != null) {
            kpi.close();
        }
        if (email != null) {
            email.close();
        }
        proxy.close();
    }

    /** OrderKPI with the e-mail channel (and the log channel when asked) through the proxy. */
    private void start(int poolSize, int workers, boolean withLog) {
        email = new EmailNotifier(SmtpSettings.builder("127.0.0.1", "shop@example.com").tls(SmtpTls.NONE)
                .port(proxy.port()).poolSize(poolSize).build());
        OrderKpi.Builder builder = OrderKpi.builder().records(records).workers(workers)
                .shutdownGrace(Duration.ofSeconds(2));
        if (withLog) {
            builder.notifier(new LogNotifier());
        }
        kpi = builder.notifier(email).build();
    }

    private Order completedOrder(String number, String address) {
        NewOrder order = new NewOrder(number, "cust-" + number, "Ada Lovelace", address, OrderStatus.COMPLETED,
                Money.parse("129.50"), "EUR", List.of(new OrderItem("P-1", "Product P-1", "SKU-P-1", 1,
                        Money.parse("129.50"))), PLACED_AT);
        Map<String, String> data = Map.of(EventData.ORDER_NUMBER, number, EventData.CUSTOMER_ID, order.customerId(),
                EventData.TOTAL_CENTS, "12950", EventData.PLACED_AT, PLACED_AT.toString());
        return records.orders().insert(order, List.of(NewEvent.of(EventType.ORDER_COMPLETED, data)));
    }

    /** The order's notification of that channel, once the notification service has created it. */
    private Optional<Notification> find(Order order, Notifier channel) {
        return records.notifications().list(NotificationQuery.firstPage(10).withOrderId(order.id())).items().stream()
                .filter(n -> n.channel().equals(channel.channel())).findFirst();
    }

    private Notification notificationOf(Order order, Notifier channel) {
        return find(order, channel).orElseThrow();
    }

    /** Waits until the order's e-mail notification is sent, and returns it. */
    private Notification awaitSent(Order order) {
        await().atMost(TIMEOUT).until(() -> find(order, email).filter(n -> n.state() == NotificationState.SENT)
                .isPresent());
        return notificationOf(order, email);
    }

    /** Waits until the order's e-mail notification has had its attempt and nothing is left to do. */
    private Notification awaitSettled(Order order) throws InterruptedException {
        await().atMost(TIMEOUT).until(() -> find(order, email).filter(n -> n.attempts() > 0).isPresent());
        awaitIdle();
        return notificationOf(order, email);
    }

    private void awaitIdle() throws InterruptedException {
        assertThat(kpi.awaitIdle(TIMEOUT)).isTrue();
    }

    @Test
    void aConnectionDroppedInTheMiddleOfAMailFailsThatAttemptAndTheQueueRetryDeliversItOnce() throws Exception {
        proxy.dropAtNextData();
        start(2, 8, false);

        Order order = completedOrder("A-1", "ada@example.com");

        awaitSent(order);
        awaitIdle();
        Notification sent = notificationOf(order, email);
        assertThat(sent.attempts()).isEqualTo(2);
        assertThat(sent.errorMessage()).isNotBlank().doesNotContain("ada@example.com");
        assertThat(sent.sentAt()).isNotNull();
        assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(1);
        assertThat(proxy.connections()).isEqualTo(2);
        assertThat(kpi.jobs().failed(null, null, Long.MAX_VALUE, 100).items()).isEmpty();
    }

    @Test
    void aPooledConnectionTheServerDroppedIsReplacedWithinTheSameAttempt() throws Exception {
        start(1, 8, false);
        Order first = completedOrder("A-1", "ada@example.com");
        awaitSent(first);
        awaitIdle();

        proxy.dropAll();
        Order second = completedOrder("A-2", "bob@example.com");

        Notification sent = awaitSent(second);
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(sent.errorMessage()).isNull();
        assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(2);
        assertThat(proxy.connections()).isEqualTo(2);
    }

    @Test
    void aTemporaryRefusalIsRetriedWithTheQueuesBackoff() throws Exception {
        proxy.answerRecipient("ada@example.com", "451 4.3.0 Mailbox busy, try again later", 1);
        start(2, 8, false);

        Order order = completedOrder("A-1", "ada@example.com");

        Notification sent = awaitSent(order);
        assertThat(sent.attempts()).isEqualTo(2);
        assertThat(sent.errorMessage()).contains("451 4.3.0 Mailbox busy, try again later");
        assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aRecipientRefusedWith550FailsAtOnceAfterOneAttemptWithoutAFailedJob() throws Exception {
        proxy.answerRecipient("ada@example.com", "550 5.1.1 <ada@example.com>: Recipient address rejected", 1);
        start(2, 8, true);

        Order order = completedOrder("A-1", "ada@example.com");

        Notification failed = awaitSettled(order);
        assertThat(failed.state()).isEqualTo(NotificationState.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.errorMessage())
                .isEqualTo("refused by the SMTP server: 550 5.1.1 <a***@example.com>: Recipient address rejected");
        assertThat(notificationOf(order, new LogNotifier()).state()).isEqualTo(NotificationState.SENT);
        assertThat(kpi.jobs().failed(null, null, Long.MAX_VALUE, 100).items()).isEmpty();
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void anOrderWithoutAValidAddressIsRecordedFailedOnceWithoutConnecting() throws Exception {
        start(2, 8, true);

        Order order = completedOrder("A-1", "ada at example.com");

        Notification failed = awaitSettled(order);
        assertThat(failed).extracting(Notification::state, Notification::attempts, Notification::errorMessage)
                .containsExactly(NotificationState.FAILED, 1, "no valid e-mail address");
        assertThat(notificationOf(order, new LogNotifier()).state()).isEqualTo(NotificationState.SENT);
        assertThat(kpi.jobs().failed(null, null, Long.MAX_VALUE, 100).items()).isEmpty();
        assertThat(proxy.connections()).isZero();
    }

    @Test
    void aThousandNotificationsGoOverThePoolWithoutOpeningMoreConnectionsThanItsSize() throws Exception {
        int poolSize = 4;
        // 48 workers give the notifications queue 7 threads: more senders than connections.
        proxy.holdUntilConnections(poolSize);
        start(poolSize, 48, false);

        for (int i = 1; i <= 1_000; i++) {
            completedOrder("B-" + i, "customer" + i + "@example.com");
        }

        assertThat(GREEN_MAIL.waitForIncomingEmail(TIMEOUT.toMillis(), 1_000)).isTrue();
        awaitIdle();
        assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(1_000);
        assertThat(records.notifications().list(NotificationQuery.firstPage(2_000)).items())
                .hasSize(1_000).allSatisfy(n -> {
                    assertThat(n.state()).isEqualTo(NotificationState.SENT);
                    assertThat(n.attempts()).isEqualTo(1);
                });
        assertThat(proxy.connections()).isEqualTo(poolSize);
        assertThat(email.connectionsOpened()).isEqualTo(poolSize);
    }
}

package io.orderkpi.core.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Money;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogNotifierTest {

    private static final Instant NOW = Instant.parse("2025-11-16T10:15:30Z");

    private static Notification notification(String refundId, NotificationType type) {
        return Notification.create(7, new NewNotification(42, refundId, "cust-1", "completed", Money.parse("129.5"),
                type, LogNotifier.CHANNEL, "body with Ada Lovelace"), NOW);
    }

    @Test
    void logsOneLineOfKeyValueFieldsWithTheAddressMasked() {
        NotificationMessage message = new NotificationMessage("Order #A-42 Confirmed", "body",
                "john.doe@example.com");

        String line = LogNotifier.line(notification(null, NotificationType.ORDER_COMPLETED), message);

        assertThat(line).isEqualTo("notification id=7 type=order_completed channel=log order_id=42 refund_id=-"
                + " customer_id=cust-1 status=completed amount=129.50 to=j***@example.com"
                + " subject=\"Order #A-42 Confirmed\"");
        assertThat(line).doesNotContain("john.doe").doesNotContain("Ada Lovelace");
    }

    @Test
    void namesTheRefundAndShowsAMissingAddressAsADash() {
        String line = LogNotifier.line(notification("R-1", NotificationType.REFUND_PROCESSED),
                new NotificationMessage("Refund for Order #A-42 Processed", "body", ""));

        assertThat(line).contains(" type=refund_processed ", " refund_id=R-1 ", " to=- ");
    }

    @Test
    void quotesAndEscapesValuesSoNoValueCanForgeALine() {
        String line = LogNotifier.line(notification(null, NotificationType.ORDER_COMPLETED),
                new NotificationMessage("Order #A\"1\nnotification id=8", "body", "xy@example.com"));

        assertThat(line).doesNotContain("\n")
                .endsWith(" to=x***@example.com subject=\"Order #A\\\"1\\nnotification id=8\"");
    }

    @Test
    void masksAnAddressInsideTheSubjectToo() {
        String line = LogNotifier.line(notification(null, NotificationType.ORDER_COMPLETED),
                new NotificationMessage("Order #A-1 of jane@example.com Confirmed", "body", ""));

        assertThat(line).endsWith(" subject=\"Order #A-1 of j***@example.com Confirmed\"").doesNotContain("jane@");
    }

    @Test
    void sendingNeverFails() {
        LogNotifier notifier = new LogNotifier();

        assertThat(notifier.channel()).isEqualTo("log");
        assertThatCode(() -> notifier.send(notification(null, NotificationType.ORDER_FAILED),
                new NotificationMessage("Order #A-42 Failed", "body", "jane@example.com"))).doesNotThrowAnyException();
    }
}

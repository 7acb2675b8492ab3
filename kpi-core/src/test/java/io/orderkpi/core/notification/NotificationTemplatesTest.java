package io.orderkpi.core.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationTemplatesTest {

    private static final Instant NOW = Instant.parse("2025-11-16T10:15:30Z");

    private static Order order(String name, String email) {
        NewOrder order = new NewOrder("ORD-1001", "cust-1", name, email, OrderStatus.COMPLETED,
                Money.parse("15234.5"), "USD", List.of(new OrderItem("P-1", "Lamp", "SKU-1", 1, Money.parse("15234.5"))),
                NOW);
        return Order.create(7, order, NOW);
    }

    @Test
    void subjectsAreTheSeeds() {
        assertThat(NotificationTemplates.subject(NotificationType.ORDER_COMPLETED, "ORD-1001"))
                .isEqualTo("Order #ORD-1001 Confirmed");
        assertThat(NotificationTemplates.subject(NotificationType.ORDER_FAILED, "ORD-1001"))
                .isEqualTo("Order #ORD-1001 Failed");
        assertThat(NotificationTemplates.subject(NotificationType.REFUND_PROCESSED, "ORD-1001"))
                .isEqualTo("Refund for Order #ORD-1001 Processed");
    }

    @Test
    void aCompletedOrderGreetsTheCustomerWithTheTotalInTwoDecimalsAndTheCurrency() {
        NotificationMessage message = NotificationTemplates.orderCompleted(order("Ada Lovelace", " ada@example.com "));

        assertThat(message.subject()).isEqualTo("Order #ORD-1001 Confirmed");
        assertThat(message.recipient()).isEqualTo("ada@example.com");
        assertThat(message.recipientName()).isEqualTo("Ada Lovelace");
        assertThat(message.body()).isEqualTo("""
                Hello Ada Lovelace,

                Thank you for your order #ORD-1001. It has been confirmed and completed.

                Total: 15234.50 USD""");
    }

    @Test
    void aFailedOrderNamesTheReason() {
        NotificationMessage message = NotificationTemplates.orderFailed(order("Ada Lovelace", "ada@example.com"),
                "Insufficient stock for product: P-1");

        assertThat(message.subject()).isEqualTo("Order #ORD-1001 Failed");
        assertThat(message.body()).contains("could not be completed", "Reason: Insufficient stock for product: P-1",
                "Total: 15234.50 USD");
    }

    @Test
    void aProcessedRefundNamesItsAmountAndRefundId() {
        NotificationMessage message = NotificationTemplates.refundProcessed(order("Ada Lovelace", "ada@example.com"),
                "RF-42", Money.parse("5"));

        assertThat(message.subject()).isEqualTo("Refund for Order #ORD-1001 Processed");
        assertThat(message.body()).contains("A refund of 5.00 USD for your order #ORD-1001 has been processed.",
                "Refund ID: RF-42");
    }

    @Test
    void aCustomerWithoutNameOrAddressGetsAPlainGreetingAndAnEmptyRecipient() {
        NotificationMessage message = NotificationTemplates.orderCompleted(order(" ", ""));

        assertThat(message.body()).startsWith("Hello,\n\n");
        assertThat(message.recipient()).isEmpty();
    }

    @Test
    void aMessageNeverPrintsItsFullRecipient() {
        NotificationMessage message = NotificationTemplates.orderCompleted(order("Ada", "ada@example.com"));

        assertThat(message.toString()).contains("a***@example.com").doesNotContain("ada@example.com");
    }
}

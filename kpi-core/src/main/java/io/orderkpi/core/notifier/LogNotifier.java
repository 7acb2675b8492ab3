package io.orderkpi.core.notifier;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.notification.EmailMasking;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code log} channel, always available (SPEC §7): one INFO line per notification through
 * SLF4J, as {@code key=value} fields a log pipeline can parse, for example
 *
 * <pre>{@code
 * notification id=7 type=order_completed channel=log order_id=42 refund_id=- customer_id=cust-1
 *   status=completed amount=129.50 to=j***@example.com subject="Order #A-42 Confirmed"
 * }</pre>
 *
 * <p>The recipient, and any address inside the subject, is masked ({@link EmailMasking}); the
 * body is left out (it names the customer). Values with spaces, quotes or {@code =} are quoted, and control characters escaped,
 * so an order number can never forge a log line. Stateless and thread-safe; never fails.
 */
public final class LogNotifier implements Notifier {

    /** The channel's name. */
    public static final String CHANNEL = "log";

    private static final Logger LOG = LoggerFactory.getLogger(LogNotifier.class);

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void send(Notification notification, NotificationMessage message) {
        if (LOG.isInfoEnabled()) {
            LOG.info("{}", line(notification, message));
        }
    }

    /** The line {@link #send} logs. */
    static String line(Notification notification, NotificationMessage message) {
        StringBuilder line = new StringBuilder(200).append("notification");
        field(line, "id", Long.toString(notification.id()));
        field(line, "type", notification.type().wireName());
        field(line, "channel", notification.channel());
        field(line, "order_id", Long.toString(notification.orderId()));
        field(line, "refund_id", notification.refundId());
        field(line, "customer_id", notification.customerId());
        field(line, "status", notification.orderStatus());
        field(line, "amount", notification.totalAmount().toString());
        field(line, "to", message.recipient().isEmpty() ? null : message.maskedRecipient());
        // The subject holds the order number, which is free text: it might hold an address too.
        field(line, "subject", EmailMasking.maskAll(message.subject()));
        return line.toString();
    }

    /** Appends {@code key=value}; {@code -} stands for no value. */
    private static void field(StringBuilder line, String key, @Nullable String value) {
        line.append(' ').append(key).append('=');
        if (value == null) {
            line.append('-');
        } else if (needsQuotes(value)) {
            quote(line, value);
        } else {
            line.append(value);
        }
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty() || value.equals("-")) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '=' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return true;
            }
        }
        return false;
    }

    private static void quote(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}

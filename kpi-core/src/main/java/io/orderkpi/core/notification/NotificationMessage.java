package io.orderkpi.core.notification;

import java.util.Objects;

/**
 * What a {@link io.orderkpi.core.spi.Notifier} sends: rendered by {@link NotificationTemplates}.
 * Immutable.
 *
 * @param recipient     the customer's e-mail address, or empty when the order has none; a notifier
 *                      that needs an address fails the attempt without one, and nothing may log it
 *                      unmasked ({@link EmailMasking})
 * @param recipientName the customer's name as the order has it (free text, possibly empty); a
 *                      channel that shows it in a header must encode it, never paste it
 */
public record NotificationMessage(String subject, String body, String recipient, String recipientName) {

    public NotificationMessage {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(recipientName, "recipientName");
    }

    /** A message without the recipient's name. */
    public NotificationMessage(String subject, String body, String recipient) {
        this(subject, body, recipient, "");
    }

    /** Recipient masked for logs: {@code j***@example.com}. */
    public String maskedRecipient() {
        return EmailMasking.mask(recipient);
    }

    /** Never shows the full address nor the name, so a message that reaches a log by accident leaks nothing. */
    @Override
    public String toString() {
        return "NotificationMessage[subject=" + subject + ", recipient=" + maskedRecipient() + "]";
    }
}

package io.orderkpi.notify;

import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;

/**
 * Turns a notification into an e-mail's subject, text and HTML. The {@linkplain #standard()
 * standard} one sends the texts of kpi-core's {@code NotificationTemplates} (the subject and body
 * stored with the notification) and an HTML version of the same body; an application replaces it
 * to send its own texts or branding.
 *
 * <p>Contract: thread-safe and free of side effects (it may run again for a retry, and must then
 * render the same mail); it must escape every value it puts into HTML. It never sets headers:
 * addresses, Message-ID and header safety stay with {@link EmailNotifier}.
 */
@FunctionalInterface
public interface EmailTemplate {

    /**
     * @param notification the stored notification (type, order, amounts, id)
     * @param message      its rendered subject and plain-text body, and the recipient's name
     */
    EmailContent render(Notification notification, NotificationMessage message);

    /** The seed's texts, as kpi-core renders them, with an escaped HTML alternative. */
    static EmailTemplate standard() {
        return StandardEmailTemplate.INSTANCE;
    }
}

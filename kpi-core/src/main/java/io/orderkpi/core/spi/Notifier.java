package io.orderkpi.core.spi;

import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;

/**
 * Sends notifications over one channel ({@code log}, {@code email}, ...). The notification
 * service calls it from a queue worker, never from the workflow, so a slow or failing channel
 * delays only its own notifications.
 *
 * <p>Contract:
 * <ul>
 *   <li>Thread-safe: several workers may send at once.</li>
 *   <li>{@link #send} returns normally only when the message was handed over; it throws on any
 *       failure, and the attempt is recorded as failed and retried with the queue's backoff.
 *       A failure that retrying cannot fix (no valid address, a recipient refused for good) is a
 *       {@link io.orderkpi.core.notification.NotificationRejectedException}: recorded once, not
 *       retried.</li>
 *   <li>At least once: the same notification may be sent again (a retry after a timeout whose
 *       message did arrive, a worker that crashed before the outcome was stored). Use
 *       {@link Notification#id()} where the channel can deduplicate (an e-mail's Message-ID).</li>
 *   <li>Bounded: a call must end within the channel's timeouts, since it holds a worker.</li>
 *   <li>Never logs a full e-mail address, nor puts one in an exception message (use
 *       {@link io.orderkpi.core.notification.EmailMasking}).</li>
 * </ul>
 */
public interface Notifier {

    /** The channel's stable name, stored with each notification: {@code log}, {@code email}. */
    String channel();

    /**
     * Sends one message.
     *
     * @param notification the stored notification (its id, type and amounts)
     * @param message      the rendered subject, body and recipient
     * @throws io.orderkpi.core.notification.NotificationRejectedException when it can never be sent
     *         as it is; the attempt is recorded and not retried
     * @throws Exception when the message could not be sent this time; the attempt is retried
     */
    void send(Notification notification, NotificationMessage message) throws Exception;
}

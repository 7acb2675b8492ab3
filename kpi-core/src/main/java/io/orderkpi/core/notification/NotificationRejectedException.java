package io.orderkpi.core.notification;

import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.notifier.NotificationService;

/**
 * Thrown by a {@link io.orderkpi.core.spi.Notifier} when a notification can never be delivered as
 * it is, so that retrying it would only repeat the failure: no valid address, a recipient the
 * server refuses for good (an SMTP 5xx reply). {@link NotificationService} records the attempt as
 * {@code failed} with this exception's message and does not retry it; any other exception is
 * treated as transient and retried with the queue's backoff.
 *
 * <p>The message is stored in the notification history as the reason: keep it short and plain,
 * and never put a full e-mail address in it (the service masks addresses anyway).
 */
public class NotificationRejectedException extends OrderKpiException {

    public NotificationRejectedException(String reason) {
        super(reason);
    }

    public NotificationRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

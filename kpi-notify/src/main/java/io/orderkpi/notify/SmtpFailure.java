package io.orderkpi.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * What a failed send means for its retry. The rule: the server's word decides where it spoke
 * (a 5xx for the recipient or the message is final, a 4xx asks to come back later); everything
 * else (refused, dropped or timed-out connections) is transient. A refused login or sender is
 * transient on purpose: it is this installation's configuration, not the message, that is wrong,
 * and once it is fixed the failed jobs can be retried.
 */
enum SmtpFailure {
    /** The server refused the recipient or the message for good: retrying cannot help. */
    PERMANENT,
    /** The server answered but asks to try later, or refused our login or sender. */
    TRANSIENT_REPLY,
    /** No usable answer: the connection was refused, dropped or timed out. */
    CONNECTION,
    /** As {@link #CONNECTION}, but a timeout: retrying at once would only wait again. */
    TIMEOUT;

    /** Classifies a failure of {@code Transport.connect} or {@code sendMessage}. */
    static SmtpFailure of(MessagingException failure) {
        boolean permanent = false;
        boolean timeout = false;
        for (Throwable t : chain(failure)) {
            if (t instanceof AuthenticationFailedException || t instanceof SMTPSenderFailedException) {
                return TRANSIENT_REPLY;
            }
            int code = returnCode(t);
            if (code >= 400 && code <= 499) {
                return TRANSIENT_REPLY;
            }
            permanent |= code >= 500 && code <= 599;
            timeout |= t instanceof SocketTimeoutException;
        }
        if (permanent) {
            return PERMANENT;
        }
        return timeout ? TIMEOUT : CONNECTION;
    }

    /** The server's reply text behind a failure, when it gave one; else the failure's own message. */
    static String reply(MessagingException failure) {
        for (Throwable t : chain(failure)) {
            if (returnCode(t) >= 400 && t.getMessage() != null) {
                return t.getMessage().strip();
            }
        }
        return String.valueOf(failure.getMessage());
    }

    /** The failure and what it wraps: Jakarta Mail chains through getNextException as well as getCause. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Throwable t = failure;
        // Bounded: a chain may loop.
        while (t != null && chain.size() < 32 && !chain.contains(t)) {
            chain.add(t);
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return chain;
    }

    private static int returnCode(Throwable t) {
        if (t instanceof SMTPAddressFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSendFailedException e) {
            return e.getReturnCode();
        }
        return -1;
    }
}

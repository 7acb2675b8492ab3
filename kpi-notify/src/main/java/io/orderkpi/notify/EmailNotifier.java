package io.orderkpi.notify;

import io.orderkpi.core.notification.EmailMasking;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.notification.NotificationRejectedException;
import io.orderkpi.core.spi.Notifier;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code email} channel: sends each notification as a multipart e-mail (plain text and an
 * HTML alternative) over SMTP with Jakarta Mail (Eclipse Angus), through a pool of at most
 * {@link SmtpSettings#poolSize()} open connections reused across sends.
 *
 * <ul>
 *   <li><b>Retries.</b> A recipient or message the server refuses for good (a 5xx reply), or an
 *       order without a valid address, is a {@link NotificationRejectedException}: recorded as
 *       failed once, never retried. Everything else (refused, dropped or timed-out connections,
 *       4xx replies, a refused login) is thrown as is and retried with the queue's backoff. A
 *       pooled connection that the server dropped while it sat idle is replaced at once, within
 *       the same attempt.</li>
 *   <li><b>Same mail, same Message-ID.</b> The Message-ID is derived from the notification's id
 *       and creation time ({@code <okpi.42.1764580000000@example.com>}), so a mail sent again (at
 *       least once delivery) is recognisable as the same one.</li>
 *   <li><b>No header injection.</b> The recipient must be one plain address; the customer's name
 *       is encoded as a display name (or dropped when empty); control characters and line breaks
 *       in the subject or name are replaced before they reach a header.</li>
 *   <li><b>Staging.</b> With {@link SmtpSettings#redirectTo()}, every mail goes to that address
 *       and the customer's is kept in the {@value #ORIGINAL_TO_HEADER} header.</li>
 * </ul>
 *
 * <p>Thread-safe: queue workers send concurrently, each on its own pooled connection. Never logs
 * an address. {@link #close()} closes the pool's connections; the application closes the notifier
 * after the {@code OrderKpi} facade (whose workers may still be sending).
 */
public final class EmailNotifier implements Notifier, AutoCloseable {

    /** The channel's name. */
    public static final String CHANNEL = "email";

    /** Holds the customer's address when the mail was redirected (staging). */
    public static final String ORIGINAL_TO_HEADER = "X-OrderKPI-Original-To";

    /** The history's reason for an order without a usable address. */
    public static final String NO_VALID_ADDRESS = "no valid e-mail address";

    private static final String PROTOCOL = "smtp";

    private final SmtpSettings settings;
    private final EmailTemplate template;
    private final Clock clock;
    private final Session session;
    private final TransportPool pool;

    /** A notifier with the standard texts. */
    public EmailNotifier(SmtpSettings settings) {
        this(settings, EmailTemplate.standard());
    }

    /** A notifier with the application's own texts. */
    public EmailNotifier(SmtpSettings settings, EmailTemplate template) {
        this(settings, template, Clock.systemUTC());
    }

    EmailNotifier(SmtpSettings settings, EmailTemplate template, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.template = Objects.requireNonNull(template, "template");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.session = Session.getInstance(properties(settings), authenticator(settings));
        // A sender may wait for a free connection about as long as it may wait for the server.
        this.pool = new TransportPool(session, PROTOCOL, settings.poolSize(),
                settings.connectTimeout().plus(settings.readTimeout()), clock);
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /**
     * Sends one notification.
     *
     * @throws NotificationRejectedException when the order has no valid address, or the server
     *         refuses the recipient or the message for good
     * @throws MessagingException when the server could not be reached or asked to try later
     */
    @Override
    public void send(Notification notification, NotificationMessage message)
            throws MessagingException, InterruptedException {
        InternetAddress recipient = Addresses.parse(message.recipient())
                .orElseThrow(() -> new NotificationRejectedException(NO_VALID_ADDRESS));
        deliver(compose(notification, message, recipient));
    }

    /** The SMTP server as {@code host:port (tls)}. */
    public String server() {
        return settings.server();
    }

    /**
     * Whether the SMTP server answers, for a readiness probe: {@code ok}, or why not. Checks an
     * idle pooled connection with NOOP, or opens one (kept for the next send); when every
     * connection is busy sending, the server is evidently there. Never waits for a connection.
     */
    public String check() {
        try {
            pool.tryBorrowChecked().ifPresent(pool::giveBack);
            return "ok";
        } catch (MessagingException e) {
            return EmailMasking.maskAll(rootMessage(e));
        }
    }

    /** SMTP connections opened so far (a pool that works opens few). */
    public long connectionsOpened() {
        return pool.opened();
    }

    /** Closes the pooled connections; sends after this fail. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "EmailNotifier[" + settings + "]";
    }

    // ---- sending

    private void deliver(MimeMessage mail) throws MessagingException, InterruptedException {
        TransportPool.Lease lease = pool.borrow();
        MessagingException failure;
        try {
            sendOn(lease, mail);
            return;
        } catch (MessagingException e) {
            failure = e;
        }
        SmtpFailure kind = SmtpFailure.of(failure);
        if (kind == SmtpFailure.CONNECTION && lease.reused()) {
            // The server dropped the connection while it sat in the pool: one try on a new one.
            try {
                sendOn(pool.borrowNew(), mail);
                return;
            } catch (MessagingException e) {
                failure = e;
                kind = SmtpFailure.of(e);
            }
        }
        if (kind == SmtpFailure.PERMANENT) {
            throw new NotificationRejectedException("refused by the SMTP server: " + SmtpFailure.reply(failure),
                    failure);
        }
        throw failure;
    }

    /** Sends on a lent connection; gives it back when that worked, else closes it. */
    private void sendOn(TransportPool.Lease lease, MimeMessage mail) throws MessagingException {
        boolean sent = false;
        try {
            lease.transport().sendMessage(mail, mail.getAllRecipients());
            sent = true;
        } finally {
            // A connection that failed in any way (even after a clean 5xx) is not trusted again.
            if (sent) {
                pool.giveBack(lease);
            } else {
                pool.discard(lease);
            }
        }
    }

    // ---- the message

    private MimeMessage compose(Notification notification, NotificationMessage message, InternetAddress recipient)
            throws MessagingException {
        EmailContent content = template.render(notification, message);
        MimeMessage mail = new IdentifiedMessage(session, messageId(notification));
        mail.setFrom(settings.from());
        Optional<InternetAddress> redirect = settings.redirectTo();
        if (redirect.isPresent()) {
            mail.setRecipient(Message.RecipientType.TO, redirect.get());
            // A validated plain address: nothing in it can break the header.
            mail.setHeader(ORIGINAL_TO_HEADER, recipient.getAddress());
        } else {
            mail.setRecipient(Message.RecipientType.TO, Addresses.named(recipient, message.recipientName()));
        }
        mail.setSubject(Addresses.headerText(content.subject()), StandardCharsets.UTF_8.name());
        mail.setSentDate(Date.from(clock.instant()));
        // RFC 3834: tells auto-responders not to answer.
        mail.setHeader("Auto-Submitted", "auto-generated");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), StandardCharsets.UTF_8.name(), "html");
        // Plain text first: clients show the last alternative they can render.
        MimeMultipart alternatives = new MimeMultipart("alternative");
        alternatives.addBodyPart(text);
        alternatives.addBodyPart(html);
        mail.setContent(alternatives);
        mail.saveChanges();
        return mail;
    }

    /**
     * {@code <okpi.{id}.{created-at millis}@{sender's domain}>}: the same for every attempt of a
     * notification, different for two notifications even across stores that restart their ids.
     */
    String messageId(Notification notification) {
        return "<okpi." + notification.id() + "." + notification.createdAt().toEpochMilli() + "@"
                + Addresses.domain(settings.from()) + ">";
    }

    /** A message whose Message-ID is ours, not a random one from Jakarta Mail. */
    private static final class IdentifiedMessage extends MimeMessage {
        private final String messageId;

        IdentifiedMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    // ---- session

    private static Properties properties(SmtpSettings settings) {
        String p = "mail." + PROTOCOL + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", settings.host());
        props.setProperty(p + "port", Integer.toString(settings.port()));
        props.setProperty(p + "connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        props.setProperty(p + "timeout", Long.toString(settings.readTimeout().toMillis()));
        props.setProperty(p + "writetimeout", Long.toString(settings.writeTimeout().toMillis()));
        props.setProperty(p + "from", settings.from().getAddress());
        // The EHLO name; without it Jakarta Mail asks the resolver for this host's name on every connect.
        props.setProperty(p + "localhost", Addresses.domain(settings.from()));
        // Closing need not wait for the server's goodbye.
        props.setProperty(p + "quitwait", "false");
        props.setProperty(p + "ssl.checkserveridentity", "true");
        switch (settings.tls()) {
            case STARTTLS -> {
                props.setProperty(p + "starttls.enable", "true");
                // A server (or a man in the middle) that does not offer STARTTLS is refused, not used in clear.
                props.setProperty(p + "starttls.required", "true");
            }
            case IMPLICIT -> props.setProperty(p + "ssl.enable", "true");
            case NONE -> {
                // plain text, on purpose
            }
        }
        settings.sslSocketFactory().ifPresent(factory -> props.put(p + "ssl.socketFactory", factory));
        settings.username().ifPresent(user -> {
            props.setProperty(p + "auth", "true");
            props.setProperty(p + "user", user);
        });
        return props;
    }

    private static Authenticator authenticator(SmtpSettings settings) {
        Optional<String> user = settings.username();
        Optional<String> password = settings.password();
        if (user.isEmpty() || password.isEmpty()) {
            return null;
        }
        PasswordAuthentication credentials = new PasswordAuthentication(user.get(), password.get());
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return credentials;
            }
        };
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; depth < 32 && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        String text = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return root == failure || failure.getMessage() == null ? text : failure.getMessage() + ": " + text;
    }
}

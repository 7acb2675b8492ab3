package io.orderkpi.server;

import io.orderkpi.core.notifier.LogNotifier;
import io.orderkpi.core.spi.Notifier;
import io.orderkpi.notify.EmailNotifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The notification channels of {@code ORDERKPI_NOTIFY_CHANNELS}, built in the configured order:
 * {@code log} ({@link LogNotifier}) and {@code email} ({@link EmailNotifier} on the
 * {@code ORDERKPI_SMTP_*} settings). Owns the e-mail notifier's connections: close it after the
 * facade, whose workers may still be sending. Thread-safe once built.
 */
public final class NotifierWiring implements AutoCloseable {

    private final List<Notifier> notifiers;
    private final Optional<EmailNotifier> email;

    private NotifierWiring(List<Notifier> notifiers, Optional<EmailNotifier> email) {
        this.notifiers = List.copyOf(notifiers);
        this.email = email;
    }

    /** The channels {@code config} asks for; opens no connection yet. */
    public static NotifierWiring from(ServerConfig config) {
        List<Notifier> notifiers = new ArrayList<>();
        EmailNotifier email = null;
        for (String channel : config.notifyChannels()) {
            if (channel.equals(LogNotifier.CHANNEL)) {
                notifiers.add(new LogNotifier());
            } else if (channel.equals(EmailNotifier.CHANNEL)) {
                email = new EmailNotifier(config.email().settings());
                notifiers.add(email);
            } else {
                throw new ConfigException(ServerConfig.NOTIFY_CHANNELS + ": unknown channel '" + channel + "'");
            }
        }
        return new NotifierWiring(notifiers, Optional.ofNullable(email));
    }

    /** One notifier per configured channel, in the configured order. */
    public List<Notifier> notifiers() {
        return notifiers;
    }

    /** The e-mail notifier, when the email channel is on. */
    public Optional<EmailNotifier> email() {
        return email;
    }

    /** How the start-up log names the channels: {@code log, email (smtp.example.com:587 (starttls))}. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (Notifier notifier : notifiers) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(notifier.channel());
            if (notifier instanceof EmailNotifier mail) {
                text.append(" (").append(mail.server()).append(')');
            }
        }
        return text.toString();
    }

    /**
     * What {@code /ready} reports about the channels, each {@code ok} or the reason: {@code smtp}
     * when the email channel is on. Reported, not required: the API works while the mail server is
     * away, and notifications wait in the queue for it.
     */
    public Map<String, Supplier<String>> checks() {
        Map<String, Supplier<String>> checks = new LinkedHashMap<>();
        email.ifPresent(mail -> checks.put("smtp", () -> {
            String status = mail.check();
            return status.equals("ok") ? status : mail.server() + ": " + status;
        }));
        return checks;
    }

    /** Closes the e-mail notifier's connections. Idempotent. */
    @Override
    public void close() {
        email.ifPresent(EmailNotifier::close);
    }
}

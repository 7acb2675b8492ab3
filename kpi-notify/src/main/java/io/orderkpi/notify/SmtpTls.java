package io.orderkpi.notify;

import java.util.Locale;
import java.util.Optional;

/** How the connection to the SMTP server is protected. */
public enum SmtpTls {
    /** Plain text (a relay on the same host or network); credentials would travel in clear. */
    NONE(25),
    /**
     * Plain connect, then {@code STARTTLS} before anything else; a server that does not offer it
     * is refused rather than used in clear (no silent downgrade).
     */
    STARTTLS(587),
    /** TLS from the first byte ("SMTPS"). */
    IMPLICIT(465);

    private final int defaultPort;

    SmtpTls(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The port this mode usually runs on: 25, 587 or 465. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The name in configuration: {@code none}, {@code starttls}, {@code implicit}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case and surrounding blanks ignored); empty when unknown. */
    public static Optional<SmtpTls> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (SmtpTls mode : values()) {
            if (mode.name().equals(upper)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}

package io.orderkpi.notify;

import io.orderkpi.core.lang.Nullable;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where and how {@link EmailNotifier} sends: the SMTP server, its protection, the credentials, the
 * sender, the timeouts and the pool size. Validated when built; immutable and thread-safe.
 * {@link #toString()} never shows the password.
 *
 * <pre>{@code
 * SmtpSettings settings = SmtpSettings.builder("smtp.example.com", "shop@example.com")
 *         .tls(SmtpTls.STARTTLS).credentials("shop", password).poolSize(4).build();
 * }</pre>
 */
public final class SmtpSettings {

    /** Longest timeout accepted: a send holds a queue worker for up to about three of them. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** Largest pool accepted. */
    public static final int MAX_POOL_SIZE = 64;

    private final String host;
    private final int port;
    private final SmtpTls tls;
    private final @Nullable String username;
    private final @Nullable String password;
    private final InternetAddress from;
    private final @Nullable InternetAddress redirectTo;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final int poolSize;
    private final @Nullable SSLSocketFactory sslSocketFactory;

    private SmtpSettings(Builder b) {
        this.host = b.host;
        this.tls = b.tls;
        this.port = b.port != 0 ? b.port : b.tls.defaultPort();
        this.username = b.username;
        this.password = b.password;
        this.from = b.from;
        this.redirectTo = b.redirectTo;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.writeTimeout = b.writeTimeout;
        this.poolSize = b.poolSize;
        this.sslSocketFactory = b.sslSocketFactory;
    }

    /**
     * A builder for a server and a sender address.
     *
     * @param host the SMTP server's host name or address
     * @param from the sender ({@code shop@example.com}): the {@code From} header and the envelope
     *             sender; its domain also names the Message-IDs
     * @throws IllegalArgumentException when the host is blank or the sender is not one plain address
     */
    public static Builder builder(String host, String from) {
        return new Builder(host, from);
    }

    /**
     * Whether {@code text} is one plain address as the notifier accepts it for the sender, the
     * redirect and the recipients: no display name, no white space or control character, ASCII.
     */
    public static boolean isPlainAddress(String text) {
        return Addresses.parse(Objects.requireNonNull(text, "text")).isPresent();
    }

    public String host() {
        return host;
    }

    /** The port: the configured one, else the TLS mode's usual one (25, 587, 465). */
    public int port() {
        return port;
    }

    public SmtpTls tls() {
        return tls;
    }

    /** The user name to authenticate with; empty when the server takes mail without login. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The password; empty without a user name. Never logged. */
    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public InternetAddress from() {
        return from;
    }

    /** When set, every mail goes to this address instead of the customer's (staging). */
    public Optional<InternetAddress> redirectTo() {
        return Optional.ofNullable(redirectTo);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** The most SMTP connections open at once. */
    public int poolSize() {
        return poolSize;
    }

    /** The TLS socket factory to use instead of the JVM's default trust; empty for the default. */
    public Optional<SSLSocketFactory> sslSocketFactory() {
        return Optional.ofNullable(sslSocketFactory);
    }

    /** {@code host:port (tls)}: how readiness and logs name the server. */
    public String server() {
        return host + ":" + port + " (" + tls.wireName() + ")";
    }

    @Override
    public String toString() {
        return "SmtpSettings[server=" + server() + ", user=" + (username != null ? username : "-")
                + ", password=" + (password != null ? "****" : "-") + ", from=" + from.getAddress()
                + ", redirectTo=" + (redirectTo != null ? redirectTo.getAddress() : "-") + ", timeouts="
                + connectTimeout.toMillis() + "/" + readTimeout.toMillis() + "/" + writeTimeout.toMillis()
                + " ms, pool=" + poolSize + "]";
    }

    /** Builds {@link SmtpSettings}; each setter checks its value. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final InternetAddress from;
        private int port;
        private SmtpTls tls = SmtpTls.STARTTLS;
        private @Nullable String username;
        private @Nullable String password;
        private @Nullable InternetAddress redirectTo;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int poolSize = 4;
        private @Nullable SSLSocketFactory sslSocketFactory;

        private Builder(String host, String from) {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
            if (host.isBlank() || host.strip().length() != host.length() || host.chars().anyMatch(c -> c <= 0x20)) {
                throw new IllegalArgumentException("host: not a host name '" + host + "'");
            }
            this.host = host;
            // The sender is configuration, not personal data: naming it in the error is fine.
            this.from = Addresses.parse(from).orElseThrow(() -> new IllegalArgumentException(
                    "from: not a plain e-mail address such as shop@example.com '" + from + "'"));
        }

        /** The port; without one, the TLS mode's usual port (25, 587, 465). */
        public Builder port(int value) {
            if (value < 1 || value > 65_535) {
                throw new IllegalArgumentException("port: not a port number from 1 to 65535: " + value);
            }
            this.port = value;
            return this;
        }

        /** How the connection is protected; {@link SmtpTls#STARTTLS} by default. */
        public Builder tls(SmtpTls value) {
            this.tls = Objects.requireNonNull(value, "tls");
            return this;
        }

        /** Log in with these credentials (AUTH); without them the server must accept mail without login. */
        public Builder credentials(String user, String secret) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(secret, "password");
            if (user.isBlank()) {
                throw new IllegalArgumentException("user: must not be blank when a password is given");
            }
            this.username = user;
            this.password = secret;
            return this;
        }

        /** Send every mail to this address instead (staging); the customer's is kept in a header. */
        public Builder redirectTo(String address) {
            Objects.requireNonNull(address, "redirectTo");
            this.redirectTo = Addresses.parse(address).orElseThrow(() -> new IllegalArgumentException(
                    "redirectTo: not a plain e-mail address such as staging@example.com"));
            return this;
        }

        /** How long opening a connection may take; 10 s by default. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = timeout("connectTimeout", value);
            return this;
        }

        /** How long the server may take to answer one command; 30 s by default. */
        public Builder readTimeout(Duration value) {
            this.readTimeout = timeout("readTimeout", value);
            return this;
        }

        /** How long writing to the server may stall; 30 s by default. */
        public Builder writeTimeout(Duration value) {
            this.writeTimeout = timeout("writeTimeout", value);
            return this;
        }

        /** The most connections open at once, reused across sends; 4 by default. */
        public Builder poolSize(int value) {
            if (value < 1 || value > MAX_POOL_SIZE) {
                throw new IllegalArgumentException("poolSize: not a number from 1 to " + MAX_POOL_SIZE + ": " + value);
            }
            this.poolSize = value;
            return this;
        }

        /**
         * Trusts the server through this factory instead of the JVM's trust store (a private CA).
         * The server's name is checked against its certificate either way.
         */
        public Builder sslSocketFactory(SSLSocketFactory value) {
            this.sslSocketFactory = Objects.requireNonNull(value, "sslSocketFactory");
            return this;
        }

        public SmtpSettings build() {
            return new SmtpSettings(this);
        }

        private static Duration timeout(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.toMillis() < 1 || value.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException(name + ": not from 1 ms to 1 hour: " + value);
            }
            return value;
        }
    }
}

package io.orderkpi.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code size} open SMTP connections, each used by one sender at a time and kept open for
 * the next. Connections open lazily, so a quiet shop holds none; the most recently used idle one
 * is handed out first (the others may then age out); one idle longer than {@link #MAX_IDLE} is
 * closed rather than reused, since servers drop idle clients. A connection that failed is never
 * put back. Thread-safe.
 */
final class TransportPool implements AutoCloseable {

    /** Shorter than the idle limit of common servers (Postfix: 300 s, many hosted relays: 60 s). */
    static final Duration MAX_IDLE = Duration.ofSeconds(45);

    /** A connection lent to one sender. */
    record Lease(Transport transport, boolean reused) {
    }

    private record Idle(Transport transport, Instant since) {
    }

    private final Session session;
    private final String protocol;
    private final int size;
    private final Semaphore permits;
    private final Duration borrowTimeout;
    private final Clock clock;
    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicLong opened = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param borrowTimeout how long a sender waits for a connection when all are in use; past it the
     *                      send fails (and is retried), so a call stays bounded
     */
    TransportPool(Session session, String protocol, int size, Duration borrowTimeout, Clock clock) {
        this.session = session;
        this.protocol = protocol;
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.borrowTimeout = borrowTimeout;
        this.clock = clock;
    }

    /**
     * An open connection: an idle one, else a new one.
     *
     * @throws MessagingException when a new connection cannot be opened, or none is free in time
     */
    Lease borrow() throws MessagingException, InterruptedException {
        acquire();
        try {
            return reuseOrOpen();
        } catch (MessagingException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** A new connection, never an idle one: for the one retry after a reused connection broke. */
    Lease borrowNew() throws MessagingException, InterruptedException {
        acquire();
        try {
            return new Lease(open(), false);
        } catch (MessagingException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private void acquire() throws MessagingException, InterruptedException {
        if (!permits.tryAcquire(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new MessagingException("All " + size + " SMTP connections stayed busy for "
                    + borrowTimeout.toMillis() + " ms");
        }
    }

    /**
     * A connection for a health check, without waiting: an idle one that answers NOOP, else a new
     * one. Empty when every connection is busy sending, which says the server works.
     */
    Optional<Lease> tryBorrowChecked() throws MessagingException {
        if (!permits.tryAcquire()) {
            return Optional.empty();
        }
        try {
            for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
                // isConnected() sends NOOP, so a connection the server dropped is found here.
                if (candidate.transport().isConnected()) {
                    return Optional.of(new Lease(candidate.transport(), true));
                }
                closeQuietly(candidate.transport());
            }
            return Optional.of(new Lease(open(), false));
        } catch (MessagingException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Puts a connection that worked back for the next sender. */
    void giveBack(Lease lease) {
        if (closed) {
            closeQuietly(lease.transport());
        } else {
            idle.addFirst(new Idle(lease.transport(), clock.instant()));
            if (closed) {
                drainIdle(); // close() ran meanwhile and may have missed it
            }
        }
        permits.release();
    }

    /** Closes a connection that failed; the next sender opens a new one. */
    void discard(Lease lease) {
        closeQuietly(lease.transport());
        permits.release();
    }

    /** Connections opened since the pool was made. */
    long opened() {
        return opened.get();
    }

    /** Closes the idle connections now and those in use when they come back. Idempotent. */
    @Override
    public void close() {
        closed = true;
        drainIdle();
    }

    private Lease reuseOrOpen() throws MessagingException {
        Instant now = clock.instant();
        for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
            if (Duration.between(candidate.since(), now).compareTo(MAX_IDLE) < 0) {
                return new Lease(candidate.transport(), true);
            }
            closeQuietly(candidate.transport());
        }
        return new Lease(open(), false);
    }

    private Transport open() throws MessagingException {
        if (closed) {
            throw new MessagingException("The e-mail notifier is closed");
        }
        Transport transport = session.getTransport(protocol);
        // Host, port and credentials come from the session's properties and authenticator.
        transport.connect();
        opened.incrementAndGet();
        return transport;
    }

    private void drainIdle() {
        for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
            closeQuietly(candidate.transport());
        }
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // Closing a broken connection fails often and changes nothing: it is gone either way.
        }
    }
}

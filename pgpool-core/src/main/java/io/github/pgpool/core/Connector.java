package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Opens physical connections for borrowers who hold a slot: retries with exponential back-off until the borrower's
 * deadline, gives up at once when the database refused the login (retrying cannot fix a wrong password or a missing
 * database), reads the new connection's {@link ConnectionProfile}, and remembers the last failure so a timeout can
 * say why the pool could not grow.
 *
 * <p>Thread-safe and lock-free: it never touches the pool's books, and runs outside the pool's lock; the caller owns
 * the slot and frees it if no connection comes of it.
 */
final class Connector {
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 250_000_000L;
    /**
     * The longest a close waits for the server to end a connection (see {@link LinkSocket#close()}): a backend that
     * received Terminate normally exits within a millisecond, but on a loaded server it may take a scheduling round or
     * a few; until it has, its slot is not free, or the server would see more backends than MaxSize.
     */
    private static final long MAX_LINGER_MILLIS = 1_000;

    private final ConnectionFactory factory;
    private final PoolClock clock;
    private final ConnectionHealth health;
    private final PoolCounters counters;
    private final PoolEvents events;
    private final BooleanSupplier poolClosed;
    /** Shared by this pool's connections, so that a server without prepared transactions is warned about once. */
    private final XaReadiness xaReadiness;
    private final long connectTimeoutNanos;
    private final long lingerMillis;
    private volatile Throwable lastFailure;

    Connector(ConnectionFactory factory, PoolSettings settings, PoolClock clock, ConnectionHealth health,
            PoolCounters counters, PoolEvents events, BooleanSupplier poolClosed) {
        this.factory = factory;
        this.clock = clock;
        this.health = health;
        this.counters = counters;
        this.events = events;
        this.poolClosed = poolClosed;
        this.xaReadiness = new XaReadiness(events);
        this.connectTimeoutNanos = settings.connectTimeout().toNanos();
        this.lingerMillis = Math.min(MAX_LINGER_MILLIS, settings.validationTimeout().toMillis());
    }

    /** @return the last failure to open a connection, cleared by the next success; for timeout messages */
    Throwable lastFailure() {
        return lastFailure;
    }

    /**
     * Opens a connection for {@code owner}'s books, retrying until {@code deadline} (precise clock).
     *
     * @return the connection, lent to the caller but not yet on the books; or {@code null} if the deadline passed,
     *     or the pool closed, before a connection could be opened
     * @throws SQLException if the database refused the login (class 28, or 3D000 for a missing database)
     */
    PooledConnection open(Credentials credentials, long deadline, LoanOwner owner) throws SQLException {
        long backoff = FIRST_BACKOFF_NANOS;
        for (;;) {
            SQLException failure;
            try {
                PooledConnection pc = openOnce(credentials, deadline, owner);
                lastFailure = null;
                return pc;
            } catch (SQLException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = events.connectCrashed(e);
            }
            lastFailure = failure;
            counters.connectFailed();
            boolean refused = isLoginRefused(failure);
            boolean retry = !refused && clock.nanoTime() - deadline < 0 && !poolClosed.getAsBoolean();
            events.connectFailed(failure, retry);
            if (refused) {
                throw failure;
            }
            if (!retry) {
                return null;
            }
            long wakeAt = Math.min(clock.nanoTime() + backoff, deadline);
            while (clock.nanoTime() - wakeAt < 0 && !poolClosed.getAsBoolean()) {
                clock.parkUntil(this, wakeAt);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    /**
     * One attempt: connect and log in, then read the profile, all within ConnectTimeout and what is left of the
     * borrower's MaxWait (but at least {@link ConnectionHealth#MIN_CHECK_NANOS}).
     */
    private PooledConnection openOnce(Credentials credentials, long deadline, LoanOwner owner) throws SQLException {
        long evictions = health.evictions(); // before the connect: an eviction during it applies to it
        long left = deadline - clock.nanoTime();
        long timeout = Math.min(connectTimeoutNanos, Math.max(ConnectionHealth.MIN_CHECK_NANOS, left));
        long began = clock.nanoTime(); // the pool's clock, for the create time
        long now = System.nanoTime(); // the sockets' clock, which tests do not move
        Connection c;
        LinkSocket link;
        try (LinkSocketFactory.Attempt attempt = LinkSocketFactory.begin(now + timeout, lingerMillis,
                now + Math.max(0, left))) {
            c = factory.open(credentials, Duration.ofNanos(timeout));
            link = attempt.socket();
        }
        ConnectionProfile profile;
        try {
            profile = readProfile(c, link, timeout);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        long created = clock.nanoTime();
        events.connected(created - began);
        return new PooledConnection(owner, c, credentials, link, evictions, created, health.expiryFor(created),
                profile, xaReadiness);
    }

    /**
     * Reads the profile (one round trip) within the attempt's deadline: the link may go silent right after the
     * login. A {@link LinkSocket} is still bounded by the attempt; any other pgjdbc connection gets a network timeout.
     */
    private static ConnectionProfile readProfile(Connection c, LinkSocket link, long timeout) throws SQLException {
        if (link != null) {
            ConnectionProfile profile = ConnectionProfile.read(c);
            try {
                link.liftDeadline();
            } catch (java.io.IOException e) {
                throw new SQLTransientConnectionException("pgpool: the new connection's socket failed", "08006", e);
            }
            return profile;
        }
        if (!c.isWrapperFor(org.postgresql.core.BaseConnection.class)) {
            return ConnectionProfile.read(c);
        }
        try (Validation.Bounded ignored = Validation.Bounded.by(c, Duration.ofNanos(timeout))) {
            return ConnectionProfile.read(c);
        }
    }

    /** Login refused (class 28) or database missing (3D000): the database answered and said no. */
    static boolean isLoginRefused(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            events.closeFailed(e);
        }
    }
}

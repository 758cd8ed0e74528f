package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolMetricsSnapshot;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.api.PoolTimingListener;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.ObjectName;

/**
 * A pool of physical PostgreSQL connections that follows pgpool's rules:
 * <ul>
 *   <li><b>MaxSize</b>: never more physical connections (open or being opened) than this, over all credentials;
 *       when all are in use, a borrower waits.</li>
 *   <li><b>MaxWait</b>: a borrower waits at most this long, opening a connection included, then gets a
 *       {@link PoolTimeoutException}. Waiters are served first come, first served; a newcomer never overtakes
 *       them.</li>
 *   <li><b>Expires</b>: a connection older than this (less a small random jitter, so that connections opened
 *       together do not all expire together) is never lent; one in use is closed when it comes back.</li>
 *   <li><b>Cleanup</b>: a connection idle this long is closed by housekeeping, so the pool shrinks to nothing when
 *       traffic stops.</li>
 * </ul>
 * The pool starts empty and grows on demand. Idle connections are lent most recently used first. Connections are
 * kept apart by {@link Credentials}. Returned connections are rolled back and cleaned ({@link SessionReset}).
 *
 * <p>This class is the facade and the wiring: the {@link Lender} lends (the lock-free {@link HotLane}, then the
 * {@link PoolBooks} under the pool's lock, then the {@link WaiterQueue} or the {@link Connector}), {@link Returns}
 * takes connections back, {@link ConnectionHealth} decides what may be lent, the {@link Closer} closes what may not,
 * the {@link Housekeeper} shrinks the pool, {@link PoolCounters} and {@link PoolEvents} report.
 *
 * <p>Thread-safe. One short lock (owned here, shared with the pieces above) guards the books and the queue; opening,
 * validating, cleaning and closing physical connections always happen outside it. A connection's
 * {@link PooledConnection.State}, changed only by compare-and-set, decides who owns it.
 */
public final class PgPool implements AutoCloseable {
    /** A thread back within this time takes its last connection without the lock (see {@link HotLane}). */
    static final int HOT_MILLIS = HotLane.HOT_MILLIS;

    private final PoolSettings settings;
    private final String name;
    private final PoolClock clock;
    private final Credentials defaultCredentials;
    private final int maxSize;
    /** Whether the settings ask for a writable primary, so that a read-only error means the server was demoted. */
    private final boolean targetsPrimary;

    private final ReentrantLock lock = new ReentrantLock();
    private final Retirement retirement;
    private final PoolCounters counters = new PoolCounters();
    private final WaiterQueue waiters;
    private final PoolBooks books;
    private final HotLane hotLane;
    private final ConnectionHealth health;
    private final PoolEvents events;
    private final Closer closer;
    private final Lender lender;
    private final Returns returns;
    private final Housekeeper housekeeper;
    private final Scheduler.Cancellable housekeeping;
    /** Written under the lock (by a replacement), read without it. */
    private volatile PoolJmx jmx;
    /** How this pool was built, for its successor (see {@link #replaceWith}). */
    private final PgPoolBuilder origin;

    PgPool(PgPoolBuilder b) {
        this.origin = b;
        this.settings = b.settings();
        this.name = settings.poolName();
        this.clock = b.clock();
        this.defaultCredentials = settings.defaultCredentials();
        this.maxSize = settings.maxSize();
        this.targetsPrimary = settings.targetsPrimary();
        long maxWaitNanos = settings.maxWait().toNanos();
        this.waiters = new WaiterQueue(maxWaitNanos);
        this.events = new PoolEvents(name, b.listener(), clock);
        this.health = new ConnectionHealth(settings, clock, b.random(), events);
        this.books = new PoolBooks(maxSize, defaultCredentials, counters);
        this.hotLane = new HotLane(lock);
        this.closer = new Closer(lock, books, waiters, hotLane, events, clock);
        this.retirement = new Retirement(lock, books, waiters, hotLane, closer);
        PoolParts parts = new PoolParts(name, maxSize, lock, this::isClosed, clock, books, waiters, hotLane, health,
                counters, events, closer);
        ConnectionFactory factory = b.factory() != null ? b.factory() : new PgConnectionFactory(settings);
        Connector connector = new Connector(factory, settings, clock, health, counters, events, this::isClosed);
        this.lender = new Lender(parts, maxWaitNanos, settings.leakThreshold().toNanos(), connector, new Owner());
        this.returns = new Returns(parts, lender,
                new SessionReset(settings.sessionReset(), settings.validationTimeout()));
        this.housekeeper = new Housekeeper(lock, books, health, counters, closer, events, clock, this::isClosed,
                settings.leakThreshold());
        if (b.recordMetrics()) {
            events.metrics().startRecording();
        }
        events.started(settings);
        // Last: from here on other threads (the housekeeper, JMX clients) reach this pool, now fully built.
        Scheduler scheduler = b.scheduler() != null ? b.scheduler() : Scheduler.daemonThread("pgpool-housekeeper " + name);
        this.housekeeping = scheduler.scheduleRepeatedly(housekeeper, Housekeeper.period(settings));
        this.jmx = b.jmx() ? PoolJmx.register(this) : null;
    }

    /**
     * Starts a pool with pgjdbc connections, the real clock and a housekeeping daemon thread.
     *
     * @throws io.github.pgpool.api.InvalidSettingException if a driver property is unknown to pgjdbc
     */
    public static PgPool start(PoolSettings settings) {
        return builder(settings).build();
    }

    /** @return a builder for a pool with these settings, where clock, scheduler, factory and listener can be set */
    public static PgPoolBuilder builder(PoolSettings settings) {
        return new PgPoolBuilder(settings);
    }

    /** @return the pool's name, as in messages, statistics and thread names */
    public String name() {
        return name;
    }

    /** @return the settings this pool was started with */
    public PoolSettings settings() {
        return settings;
    }

    // ---- Borrowing ----------------------------------------------------------------------------------------------

    /**
     * Borrows a connection with the default credentials ({@code User}, {@code Password}).
     *
     * @see #borrow(Credentials)
     */
    public PooledConnection borrow() throws SQLException {
        return borrow(defaultCredentials);
    }

    /**
     * Borrows a connection opened with {@code credentials}: an idle one (most recently used first), else a new one
     * while fewer than MaxSize exist, else the next one freed, waiting in line at most MaxWait.
     *
     * @return a connection for the caller alone, until it calls {@link PooledConnection#release()}
     * @throws PoolTimeoutException if MaxWait ran out; the last connection failure is chained
     * @throws PoolClosedException if the pool is or gets closed
     * @throws SQLException if the database refused the login (wrong password, unknown database), or the thread was
     *     interrupted while waiting
     */
    public PooledConnection borrow(Credentials credentials) throws SQLException {
        Objects.requireNonNull(credentials, "credentials");
        PgPool next = retirement.successor();
        if (next != null) {
            return next.borrowFor(this, credentials);
        }
        try {
            return lender.borrow(credentials);
        } catch (PoolClosedException e) {
            next = retirement.successor(); // replaced while this borrower waited or connected: the successor serves it
            if (next == null) {
                throw e;
            }
            return next.borrowFor(this, credentials);
        }
    }

    /**
     * Serves a borrower of a pool this one succeeded: the predecessor's default credentials become this pool's
     * (the rotated password), any others stay as asked.
     */
    private PooledConnection borrowFor(PgPool predecessor, Credentials credentials) throws SQLException {
        return borrow(credentials.equals(predecessor.defaultCredentials) ? defaultCredentials : credentials);
    }

    // ---- Live change ----------------------------------------------------------------------------------------------

    /**
     * Replaces this pool by a new one with other settings (a rotated password, another MaxSize, ...) without failing
     * a borrower: this pool is retired, like {@link #close()} but its borrowers move on. Its idle connections are
     * closed now, those in use when they come back; its waiters, and whoever still borrows from it, are served by the
     * successor (a waiter's MaxWait starts anew there), the default credentials becoming the successor's. Until
     * this pool's connections are closed, the successor counts them against its own MaxSize, so the database never
     * sees more connections than the larger of the two MaxSizes, and the new one as soon as the old connections are
     * back. The successor keeps this pool's clock, scheduler, connection factory, listener, credentials supplier and
     * JMX name.
     *
     * @return the successor, already serving
     * @throws PoolClosedException if this pool was closed or already replaced
     * @throws io.github.pgpool.api.InvalidSettingException if a driver property of the new settings is unknown to
     *     pgjdbc; this pool then goes on unchanged
     */
    public PgPool replaceWith(PoolSettings newSettings) throws PoolClosedException {
        Objects.requireNonNull(newSettings, "newSettings");
        if (retirement.isClosed()) {
            throw events.closedException();
        }
        PoolJmx published = jmx;
        if (published != null) {
            published.unregister(); // the successor takes over the name
        }
        PgPool next;
        try {
            next = origin.withSettings(newSettings).build();
        } catch (RuntimeException e) {
            if (published != null) {
                jmx = PoolJmx.register(this);
            }
            throw e;
        }
        if (!retirement.end(CloseReason.EVICTED, next)) {
            next.close();
            throw events.closedException(); // closed meanwhile by another thread
        }
        stopped();
        return next;
    }

    /** @return the pool that replaced this one, if any (see {@link #replaceWith}) */
    public Optional<PgPool> successor() {
        return Optional.ofNullable(retirement.successor());
    }

    /** @return this pool's closer, which takes a predecessor's slots (see {@link Retirement}) */
    Closer closer() {
        return closer;
    }

    // ---- Administration -----------------------------------------------------------------------------------------

    /**
     * One housekeeping pass: closes idle connections past Cleanup or Expires and reports leaks. The scheduler runs
     * it periodically; tests call it directly.
     */
    public void housekeep() {
        housekeeper.run();
    }

    /** Closes every idle connection now (an administrator's "flush"). Connections in use are not touched. */
    public void evictIdle() {
        List<PooledConnection> toClose = new ArrayList<>();
        lock.lock();
        try {
            books.drainIdle(CloseReason.EVICTED, toClose);
        } finally {
            lock.unlock();
        }
        closer.closeAll(toClose, 0);
    }

    /**
     * Replaces every connection gracefully: idle ones are closed now, those in use are closed when they come back;
     * new borrowers get new connections.
     */
    public void evictAll() {
        health.evictAllOpenedUntilNow();
        evictIdle();
    }

    /**
     * The primary this pool targets refused a write as read-only (SQLState 25006): it was demoted under the pool's
     * connections, which all still point at it. Every connection of that generation is evicted at once (idle ones
     * closed now, those in use when they come back, those being opened never lent), so new borrowers connect anew
     * and find the new primary; a second 25006 on a connection of the same generation changes nothing.
     */
    private void flushAfterDemotion() {
        events.demotionSeen();
        evictAll();
    }

    /**
     * @return a snapshot of the pool's figures taken under the lock (see {@link PoolCounters#snapshot} for what a
     *     connection changing hands without the lock at that instant means)
     */
    public PoolStatistics statistics() {
        lock.lock();
        try {
            return statisticsLocked();
        } finally {
            lock.unlock();
        }
    }

    private PoolStatistics statisticsLocked() {
        return counters.snapshot(name, maxSize, books, waiters.size());
    }

    /**
     * The figures monitoring shows (OpenTelemetry's {@code db.client.connection.*}): counts from a
     * {@link #statistics()} snapshot, and the create, wait and use time distributions. The first call switches the
     * distributions on (unless the builder did), so they hold what happened since; until then a borrow pays nothing
     * for them.
     */
    public PoolMetricsSnapshot metrics() {
        return events.metrics().snapshot(statistics());
    }

    /**
     * Sends every create, wait and use time this pool measures to {@code listener} from now on, on the borrowers'
     * threads (see {@link PoolTimingListener}); for a metrics library that keeps its own histograms.
     */
    public void addTimingListener(PoolTimingListener listener) {
        events.metrics().addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops sending durations to {@code listener}; {@code false} if it was not added. */
    public boolean removeTimingListener(PoolTimingListener listener) {
        return events.metrics().removeListener(listener);
    }

    /**
     * Closes the pool: idle connections are closed now, waiters get a {@link PoolClosedException}, connections in
     * use are closed when they come back. Idempotent. A pool that was replaced ({@link #replaceWith}) closes its
     * successor instead: the holder of this pool holds the pool it became.
     */
    @Override
    public void close() {
        if (retirement.end(CloseReason.SHUTDOWN, null)) {
            PoolJmx published = jmx;
            if (published != null) {
                published.unregister();
            }
            stopped();
            return;
        }
        // Replaced before (over JMX, say): who holds this pool holds what it became, and closing it closes that.
        PgPool next = retirement.successor();
        if (next != null) {
            next.close();
        }
    }

    /** After the pool stopped lending: no more housekeeping, and the log says so. */
    private void stopped() {
        housekeeping.close();
        events.stopped();
    }

    /** @return whether {@link #close()} or {@link #replaceWith} was called */
    public boolean isClosed() {
        return retirement.isClosed();
    }

    /** @return whether connections go straight to the longest waiter now (see {@link WaiterQueue}); for tests */
    boolean queueStarves() {
        return waiters.starving();
    }

    /** The pool's lock: tests hold it from another thread to make a borrower take the lock-free way. */
    ReentrantLock lockForTests() {
        return lock;
    }

    /** @return the JMX name of this pool's {@link io.github.pgpool.api.PoolMXBean}, or empty if not published */
    public Optional<ObjectName> mxBeanName() {
        return Optional.ofNullable(jmx == null ? null : jmx.objectName());
    }

    @Override
    public String toString() {
        PoolStatistics s = statistics();
        return "PgPool{" + name + ", total=" + s.total() + ", active=" + s.active() + ", idle=" + s.idle()
                + ", waiting=" + s.waiting() + "}";
    }

    /** How often housekeeping runs; see {@link Housekeeper#period}. */
    static java.time.Duration housekeepingPeriod(PoolSettings s) {
        return Housekeeper.period(s);
    }

    /** What the pool's connections see of it. */
    private final class Owner implements LoanOwner {
        @Override
        public void giveBack(PooledConnection pc) {
            returns.release(pc);
        }

        @Override
        public void fatalErrorSeen() {
            health.suspectIdleConnections();
        }

        @Override
        public void readOnlySeen(PooledConnection pc) {
            if (targetsPrimary && !health.isEvicted(pc)) {
                flushAfterDemotion();
            }
        }

        @Override
        public PoolClock clock() {
            return clock;
        }

        @Override
        public String poolName() {
            return name;
        }
    }
}

package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.Durations;
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
 * <p>This class is the facade and the wiring: a borrow tries the {@link HotLane} (lock-free), then looks at the
 * {@link PoolBooks} under the pool's lock, then waits in the {@link WaiterQueue} or opens a connection with the
 * {@link Connector}. {@link ConnectionHealth} decides what may be lent, the {@link Closer} closes what may not,
 * the {@link Housekeeper} shrinks the pool, {@link PoolCounters} and {@link PoolEvents} report.
 *
 * <p>Thread-safe. One short lock (owned here, shared with the pieces above) guards the books and the queue; opening,
 * validating, cleaning and closing physical connections always happen outside it. A connection's
 * {@link PooledConnection.State}, changed only by compare-and-set, decides who owns it.
 */
public final class PgPool implements AutoCloseable {
    /** A thread back within this time takes its last connection without the lock (see {@link HotLane}). */
    static final int HOT_MILLIS = HotLane.HOT_MILLIS;
    private static final long NEVER = ConnectionHealth.NEVER;

    private final PoolSettings settings;
    private final String name;
    private final PoolClock clock;
    private final Credentials defaultCredentials;
    private final int maxSize;
    private final long maxWaitNanos;
    private final long leakNanos;
    /**
     * Whether connections may be lent and given back without the lock. Not with LeakThreshold, which records every
     * loan's start and stack under the lock for housekeeping to read.
     */
    private final boolean lockFree;
    /** Whether the settings ask for a writable primary, so that a read-only error means the server was demoted. */
    private final boolean targetsPrimary;
    private final SessionReset sessionReset;

    private final ReentrantLock lock = new ReentrantLock();
    /** Written under the lock, read without it. */
    private volatile boolean closed;
    private final PoolCounters counters = new PoolCounters();
    private final WaiterQueue waiters;
    private final PoolBooks books;
    private final HotLane hotLane;
    private final ConnectionHealth health;
    private final PoolEvents events;
    private final Closer closer;
    private final Connector connector;
    private final Housekeeper housekeeper;
    private final LoanOwner owner = new Owner();
    private final Scheduler.Cancellable housekeeping;
    private final PoolJmx jmx;

    PgPool(PgPoolBuilder b) {
        this.settings = b.settings();
        this.name = settings.poolName();
        this.clock = b.clock();
        this.defaultCredentials = settings.defaultCredentials();
        this.maxSize = settings.maxSize();
        this.maxWaitNanos = settings.maxWait().toNanos();
        this.leakNanos = settings.leakThreshold().toNanos();
        this.lockFree = leakNanos == 0;
        this.targetsPrimary = settings.targetsPrimary();
        this.waiters = new WaiterQueue(maxWaitNanos);
        this.sessionReset = new SessionReset(settings.sessionReset(), settings.validationTimeout());
        this.events = new PoolEvents(name, b.listener(), clock);
        this.health = new ConnectionHealth(settings, clock, b.random(), events);
        this.books = new PoolBooks(maxSize, defaultCredentials, counters);
        this.hotLane = new HotLane(lock);
        this.closer = new Closer(lock, books, waiters, hotLane, events, clock);
        ConnectionFactory factory = b.factory() != null ? b.factory() : new PgConnectionFactory(settings);
        this.connector = new Connector(factory, settings, clock, health, counters, events, this::isClosed);
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
        // Not while the queue starves: then connections go to the longest waiter, never to a newcomer.
        if (lockFree && !closed && (waiters.sizeHint() == 0 || !waiters.starving())) {
            PooledConnection pc = borrowHot(credentials);
            if (pc != null) {
                return pc;
            }
        }
        return borrowLocked(credentials);
    }

    /** The lock-free way: this thread's last connection, if the {@link HotLane} allows; else {@code null}. */
    private PooledConnection borrowHot(Credentials credentials) throws SQLException {
        long now = clock.recentNanoTime();
        PooledConnection pc = hotLane.tryTake(credentials, now);
        if (pc == null) {
            return null;
        }
        pc.beginLoan(now);
        if (health.isPlainlyFit(pc, now)) {
            events.borrowed(0);
            return pc;
        }
        // Near its expiry or due for a check: decide with the precise clock, as the locked way does.
        now = clock.nanoTime();
        CloseReason reason = health.reasonNotToLend(pc, now);
        if (reason == null && health.isUsable(pc, now, deadline(now))) {
            events.borrowed(clock.nanoTime() - now);
            return pc;
        }
        discard(pc, reason == null ? CloseReason.BROKEN : reason);
        return null;
    }

    /**
     * The locked way: an idle connection, else a slot to open one in, else a place in the queue. A newcomer may take
     * an idle connection past the queue while it does not starve ({@link WaiterQueue}); a queued borrower keeps its
     * place while it waits, and looks again when it is nudged or has waited the queue's bound. A connection that
     * turns out dead is closed and the borrower tries again within the same MaxWait.
     */
    private PooledConnection borrowLocked(Credentials credentials) throws SQLException {
        long start = NEVER; // read with the precise clock only once the borrower has to wait or connect
        Waiter waiter = null;
        for (;;) {
            long now = clock.recentNanoTime();
            PooledConnection pc = null;
            boolean slot = false;
            int keptSlots = 0;
            List<PooledConnection> toClose = null;
            boolean grewToMaxSize = false;
            lock.lock();
            try {
                if (closed) {
                    if (waiter != null) {
                        waiters.remove(waiter);
                    }
                    throw events.closedException();
                }
                boolean queued = waiter != null && waiter.grant() == null;
                boolean head = queued && waiters.head() == waiter;
                if (head || waiter == null && (waiters.isEmpty() || !waiters.starving())) {
                    if (head) {
                        waiters.headLooks(waiter, clock.nanoTime());
                    }
                    Partition partition = books.partition(credentials);
                    boolean mayOpen = head || waiters.isEmpty(); // a freed slot is the head's, never a newcomer's
                    for (int look = 0; look < 2 && pc == null && !slot; look++) {
                        if (look == 1 && waiter == null) {
                            waiters.announce();
                        }
                        while ((pc = books.takeIdle(partition)) != null) {
                            CloseReason why = health.reasonNotToLend(pc, now);
                            if (why == null) {
                                break;
                            }
                            toClose = retireLocked(pc, why, toClose);
                        }
                        if (pc != null) {
                            lendLocked(pc, now, start == NEVER ? now : start);
                        } else if (toClose != null) {
                            slot = true; // open ours in the slot of one being closed, once it is closed
                            keptSlots = 1;
                        } else if (mayOpen && books.tryTakeSlot()) {
                            slot = true;
                            grewToMaxSize = books.isFull();
                        } else if (mayOpen) {
                            PooledConnection victim = books.takeLeastRecentlyUsedIdleOfOthers(partition);
                            if (victim != null) { // rather than wait for ever, take another user's idle slot
                                toClose = retireLocked(victim, null, null);
                                slot = true;
                                keptSlots = 1;
                            }
                        }
                    }
                    if (head && (pc != null || slot)) {
                        waiters.served(waiter, clock.nanoTime());
                        waiter = null;
                    }
                }
                if (pc == null && !slot && waiter == null) {
                    start = startOf(start);
                    waiter = new Waiter(credentials, Thread.currentThread(), start);
                    waiters.add(waiter);
                }
                waiters.settle();
            } finally {
                lock.unlock();
            }
            closer.closeAll(toClose, keptSlots);
            if (grewToMaxSize) {
                events.reachedMaxSize(maxSize);
            }
            if (waiter != null) {
                Waiter.Grant grant = await(waiter);
                if (grant == null) {
                    continue; // nudged, or time to note that the queue starves: look again, keeping the place
                }
                slot = grant == Waiter.Grant.SLOT;
                pc = waiter.connection();
                now = clock.nanoTime();
                waiter = null;
            }
            if (slot) {
                return openInSlot(credentials, startOf(start));
            }
            start = start == NEVER ? now : start;
            if (health.isUsable(pc, now, deadline(start))) {
                events.borrowed(now - start);
                return pc;
            }
            discard(pc, CloseReason.BROKEN); // dead: its slot goes to the next waiter, and this borrower tries again
        }
    }

    /** @return {@code start}, or the precise time now if it is not set yet */
    private long startOf(long start) {
        return start == NEVER ? clock.nanoTime() : start;
    }

    /** @return the borrower's deadline: MaxWait after its start */
    private long deadline(long start) {
        return Durations.deadline(start, maxWaitNanos);
    }

    /** Lends a connection the caller owns: an idle one it took, or one handed over to a waiter. Under the lock. */
    private void lendLocked(PooledConnection pc, long now, long borrowStart) {
        pc.beginLoan(now);
        pc.recordBorrower(leakNanos > 0 ? new Throwable("connection borrowed here") : null);
        counters.waited(now - borrowStart);
    }

    /** Takes a connection the caller owns off the books for closing after the lock; its slot stays counted. */
    private List<PooledConnection> retireLocked(PooledConnection pc, CloseReason reason,
            List<PooledConnection> list) {
        if (reason != null) {
            books.forget(pc, reason);
        }
        List<PooledConnection> result = list == null ? new ArrayList<>(2) : list;
        result.add(pc);
        return result;
    }

    /**
     * Waits until the waiter is granted something or should look again; gives up when its MaxWait runs out or it is
     * interrupted.
     *
     * @return the grant, or {@code null} to look again (the waiter is still queued)
     */
    private Waiter.Grant await(Waiter waiter) throws SQLException {
        long deadline = deadline(waiter.start);
        Waiter.Grant grant = waiter.awaitGrant(clock, deadline, waiters);
        if (grant == null) {
            if (!waiter.mustGiveUp(clock, deadline)) {
                return null;
            }
            PoolStatistics snapshot = null;
            lock.lock();
            try {
                grant = waiter.grant(); // granted at the last moment: take it
                if (grant == null) {
                    waiters.remove(waiter);
                    snapshot = statisticsLocked();
                }
            } finally {
                lock.unlock();
            }
            if (grant == null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw events.interrupted();
                }
                throw timedOut(waiter.start, snapshot);
            }
        }
        if (grant == Waiter.Grant.CLOSED) {
            throw events.closedException();
        }
        return grant;
    }

    private PoolTimeoutException timedOut(long start, PoolStatistics snapshot) {
        counters.timedOut();
        return events.timedOut(clock.nanoTime() - start, snapshot, connector.lastFailure());
    }

    /** Opens a connection in a slot already taken; the slot is freed again if no connection comes of it. */
    private PooledConnection openInSlot(Credentials credentials, long start) throws SQLException {
        PooledConnection pc;
        try {
            for (;;) {
                pc = connector.open(credentials, deadline(start), owner);
                if (pc == null || !health.isEvicted(pc)) {
                    break;
                }
                closer.closeQuietly(pc); // evicted while being opened: it may reach a server the pool let go of
            }
        } catch (SQLException | RuntimeException e) {
            closer.freeSlot();
            throw e;
        }
        if (pc == null) {
            closer.freeSlot();
            if (closed) {
                throw events.closedException();
            }
            throw timedOut(start, statistics());
        }
        long now = pc.createdAt();
        boolean wasClosed;
        lock.lock();
        try {
            wasClosed = closed;
            if (!wasClosed) {
                books.register(pc);
                lendLocked(pc, now, start);
            }
        } finally {
            lock.unlock();
        }
        if (wasClosed) {
            closer.closeUnregistered(pc);
            throw events.closedException();
        }
        events.connectionOpened(credentials);
        events.borrowed(now - start);
        return pc;
    }

    /** Closes a lent connection that turned out dead (or expired) before it was handed over, and frees its slot. */
    private void discard(PooledConnection pc, CloseReason reason) {
        pc.undoLoan();
        lock.lock();
        try {
            books.forget(pc, reason);
        } finally {
            lock.unlock();
        }
        closer.closeAndFreeSlot(pc);
    }

    // ---- Giving back --------------------------------------------------------------------------------------------

    /** Gives a connection back; see {@link PooledConnection#release()}. */
    private void release(PooledConnection pc) {
        if (!pc.beginReturn()) {
            throw events.releasedTwice();
        }
        boolean reusable = !pc.isBroken() && cleaned(pc);
        long now = clock.recentNanoTime();
        events.returned(now - pc.borrowedAt()); // coarse clock: free, and right on average (see useTime)
        // Only a connection lent without the lock is still listed; it goes back the same way unless the queue
        // starves, when it must go to the longest waiter.
        if (reusable && lockFree && pc.isListed() && !closed && !waiters.starving()
                && health.farFromExpiry(pc, now) && !health.isEvicted(pc)) {
            pc.touch(now);
            pc.markIdle(); // it is still in the idle list, so marking it idle puts it back
            hotLane.remember(pc);
            // Read after marking it idle (a borrower about to wait, or close(), writes first, then reads the
            // states): if either changed meanwhile, take it back and go the locked way.
            if (pc.isListed() && !closed && !health.isEvicted(pc)) {
                if (waiters.sizeHint() == 0) {
                    return;
                }
                if (!waiters.starving()) {
                    waiters.nudge(); // it stays idle for whoever comes first; the head looks too
                    return;
                }
            }
            if (!pc.tryReclaim()) {
                return; // somebody took it meanwhile: theirs now
            }
        }
        releaseLocked(pc, reusable, now);
    }

    /** Rolls back and resets a returned connection; {@code false} if it cannot be reused. */
    private boolean cleaned(PooledConnection pc) {
        try {
            if (!pc.connection().isClosed()) { // pgjdbc closes its side after an I/O failure
                sessionReset.reset(pc);
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            events.resetFailed(e);
        }
        health.suspectIdleConnections();
        return false;
    }

    private void releaseLocked(PooledConnection pc, boolean reusable, long now) {
        CloseReason closeReason = null;
        Waiter handedTo = null;
        boolean nudge = false;
        lock.lock();
        try {
            Waiter head = waiters.head();
            if (!reusable) {
                closeReason = CloseReason.BROKEN;
            } else if (closed) {
                closeReason = CloseReason.SHUTDOWN;
            } else if (health.isExpired(pc, now)) {
                closeReason = health.reasonForExpiry(pc);
            } else if (head != null && !head.credentials.equals(pc.credentials())) {
                // The longest waiter needs other credentials: close this one, and the freed slot goes to them.
                closeReason = CloseReason.EVICTED;
            } else if (head != null && waiters.starving()) {
                waiters.served(head, clock.nanoTime());
                pc.touch(now);
                pc.handOver();
                lendLocked(pc, now, head.start);
                handedTo = head.grantConnection(pc);
            } else {
                pc.touch(now);
                pc.recordBorrower(null);
                books.listFirst(pc);
                pc.markIdle();
                nudge = head != null; // normal mode: it is idle for whoever comes first; the head looks too
            }
            if (closeReason != null) {
                books.forget(pc, closeReason);
            }
        } finally {
            lock.unlock();
        }
        if (closeReason != null) {
            closer.closeAndFreeSlot(pc);
        } else if (handedTo != null) {
            handedTo.wake(); // the waiter reports its borrow itself, once it has checked the connection
        } else {
            hotLane.remember(pc);
            if (nudge) {
                waiters.nudge();
            }
        }
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
     * use are closed when they come back. Idempotent.
     */
    @Override
    public void close() {
        List<PooledConnection> toClose = new ArrayList<>();
        List<Waiter> released;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            books.drainIdle(CloseReason.SHUTDOWN, toClose); // after closed = true: see release()
            released = waiters.closeAll();
            hotLane.clear();
        } finally {
            lock.unlock();
        }
        released.forEach(Waiter::wake);
        housekeeping.close();
        if (jmx != null) {
            jmx.unregister();
        }
        closer.closeAll(toClose, 0);
        events.stopped();
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
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
            release(pc);
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

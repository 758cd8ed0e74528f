package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;

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
 * <p>Thread-safe. One short lock guards the pool's lists and counts; opening, validating, cleaning and closing
 * physical connections always happen outside it. While nobody waits, a thread that comes back within a few
 * milliseconds, or finds the lock busy, first takes back the connection it gave back last, without the lock, and
 * gives it back the same way: under load the pool costs a compare-and-set instead of a queue at the lock, and the
 * connection stays warm on its thread; at low traffic borrowers go through the lock, whose most-recently-used order
 * keeps the number of connections small. A connection's {@link PooledConnection.State}, changed only by
 * compare-and-set, decides who owns it.
 */
public final class PgPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PgPool.class.getName());
    /** Largest share of Expires taken off a connection's life, so expiries spread out. */
    static final double EXPIRY_JITTER = 0.025;
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 250_000_000L;
    /** The shortest time given to a connect or a validity check, so a healthy one is not cut off. */
    private static final long MIN_CHECK_NANOS = 50_000_000L;
    /** How long before the server's idle_session_timeout an idle connection is retired. */
    private static final long SERVER_IDLE_MARGIN_NANOS = 1_000_000_000L;
    /** "Not set" for time stamps compared with nanoTime (which may be any value, even negative). */
    private static final long NEVER = Long.MIN_VALUE;
    /** {@link PooledConnection#expiresAt} of a connection that never expires (Expires = 0). */
    private static final long NO_EXPIRY = Long.MAX_VALUE;
    /** Closer than this to its expiry, a connection's age is checked with the precise clock before it is lent. */
    private static final long EXPIRY_MARGIN_NANOS = 250_000_000L;
    /** Threads' last-returned connections are kept in this many slots, chosen by thread id. */
    private static final int HINT_SLOTS = 64;
    /** Slots are this many references apart, so that threads writing their own slot share no cache line. */
    private static final int HINT_STRIDE = 16;
    /** A thread back within this time takes its last connection without the lock, busy lock or not. */
    static final int HOT_MILLIS = 5;
    private static final long HOT_NANOS = HOT_MILLIS * 1_000_000L;

    private final PoolSettings settings;
    private final String name;
    private final ConnectionFactory factory;
    private final PoolClock clock;
    private final PoolListener listener;
    /** Whether a listener was given: saves the per-borrow event (and its Duration) when nobody listens. */
    private final boolean notifyBorrows;
    private final DoubleSupplier random;
    private final SessionReset sessionReset;
    private final Scheduler.Cancellable housekeeping;
    private final Credentials defaultCredentials;
    private final PoolJmx jmx;
    private final RateLimitedLog timeoutLog;
    private final RateLimitedLog brokenLog;
    private final RateLimitedLog fullLog;

    private final int maxSize;
    private final long maxWaitNanos;
    private final long expiresNanos;
    private final long cleanupNanos;
    private final long validateIdleNanos;
    private final long validationTimeoutNanos;
    private final long leakNanos;
    /** How much later than a recent-time stamp idle time is counted, so Cleanup never closes early. */
    private final long recentSlackNanos;
    /**
     * Whether connections may be lent and given back without the lock. Not with LeakThreshold, which records every
     * loan's start and stack under the lock for housekeeping to read.
     */
    private final boolean lockFree;
    /**
     * The connection each thread gave back last (a hint, striped by thread id; any thread may overwrite a slot).
     * Plain references held by the pool itself, not thread locals, so an undeployed pool leaves nothing in the
     * server's threads.
     */
    private final PooledConnection[] lastReturned = new PooledConnection[HINT_SLOTS * HINT_STRIDE];

    private final ReentrantLock lock = new ReentrantLock();
    // Everything below is guarded by lock, except where marked volatile.
    private final Partition defaultPartition;
    private final Map<Credentials, Partition> partitions = new HashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** {@code waiters.size()}, readable without the lock: nothing is lent or put back without it while someone waits. */
    private volatile int waiting;
    private final ArrayList<PooledConnection> all = new ArrayList<>();
    private int total;
    private volatile boolean closed;
    private volatile long evictBefore = NEVER;
    private long created;
    private final long[] closedBy = new long[CloseReason.values().length];
    private long connectFailures;
    /** Loans of connections already closed; those of open ones are counted on each connection. */
    private long retiredLoans;
    private long timeouts;
    private long leaks;
    private long waitTotalNanos;
    private long waitMaxNanos;

    /** Idle connections returned before this time are validated before they are lent again. */
    private volatile long suspectBefore = NEVER;
    private volatile Throwable lastConnectFailure;

    private PgPool(Builder b) {
        this.settings = b.settings;
        this.name = settings.poolName();
        this.factory = b.factory != null ? b.factory : new PgConnectionFactory(settings);
        this.clock = b.clock;
        this.listener = b.listener;
        this.notifyBorrows = b.listener != Builder.NO_LISTENER;
        this.random = b.random;
        this.sessionReset = new SessionReset(settings.alwaysResetSession(), settings.validationTimeout());
        this.defaultCredentials = settings.defaultCredentials();
        this.defaultPartition = new Partition(defaultCredentials);
        partitions.put(defaultCredentials, defaultPartition);
        this.maxSize = settings.maxSize();
        this.maxWaitNanos = settings.maxWait().toNanos();
        this.expiresNanos = settings.expires().toNanos();
        this.cleanupNanos = settings.cleanup().toNanos();
        this.validateIdleNanos = settings.validateIdle().toNanos();
        this.validationTimeoutNanos = settings.validationTimeout().toNanos();
        this.leakNanos = settings.leakThreshold().toNanos();
        this.recentSlackNanos = clock.recentNanoTimeLag();
        this.lockFree = leakNanos == 0;
        Scheduler scheduler = b.scheduler != null ? b.scheduler : Scheduler.daemonThread("pgpool-housekeeper " + name);
        this.housekeeping = scheduler.scheduleRepeatedly(this::housekeep, housekeepingPeriod(settings));
        this.jmx = b.jmx ? PoolJmx.register(this) : null;
        long tenSeconds = 10_000_000_000L;
        this.timeoutLog = new RateLimitedLog(LOG, Level.WARNING, clock, tenSeconds);
        this.brokenLog = new RateLimitedLog(LOG, Level.WARNING, clock, tenSeconds);
        this.fullLog = new RateLimitedLog(LOG, Level.INFO, clock, 6 * tenSeconds);
        LOG.log(Level.INFO, "pgpool {0} created: MaxSize={1}, MaxWait={2}, Expires={3}, Cleanup={4}", name,
                maxSize, settings.text(io.github.pgpool.api.PoolSetting.MAX_WAIT),
                settings.text(io.github.pgpool.api.PoolSetting.EXPIRES),
                settings.text(io.github.pgpool.api.PoolSetting.CLEANUP));
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
    public static Builder builder(PoolSettings settings) {
        return new Builder(settings);
    }

    /** @return the pool's name, as in messages, statistics and thread names */
    public String name() {
        return name;
    }

    /** @return the settings this pool was started with */
    public PoolSettings settings() {
        return settings;
    }

    PoolClock clock() {
        return clock;
    }

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
        if (lockFree && waiting == 0 && !closed) {
            PooledConnection pc = borrowLastReturned(credentials);
            if (pc != null) {
                return pc;
            }
        }
        return borrowLocked(credentials);
    }

    /**
     * The lock-free path: takes the connection this thread gave back last, if it is still idle, needs no check, and
     * either the lock is busy or the thread gave it back only a moment ago ({@value #HOT_MILLIS} ms). A thread
     * that comes back that soon is under load and keeps its connection warm; at lower traffic borrowers go to the
     * lock, whose most-recently-used order lets surplus connections age out.
     *
     * @return the connection, or {@code null} to go the locked way
     */
    private PooledConnection borrowLastReturned(Credentials credentials) throws SQLException {
        PooledConnection pc = lastReturned[hintSlot()];
        if (pc == null) {
            return null;
        }
        long now = clock.recentNanoTime();
        // lastUsed is read before owning the connection: a stale value only sends this borrower to the lock.
        if (now - pc.lastUsed > HOT_NANOS && !lock.isLocked()
                || !pc.credentials().equals(credentials) || !pc.tryLend()) {
            return null;
        }
        noteLoan(pc, now);
        if (farFromExpiry(pc, now) && !isEvicted(pc) && !isNearServerIdleTimeout(pc, now)
                && !isSuspect(pc) && now - pc.lastUsed < validateIdleNanos) {
            if (notifyBorrows) {
                listener.borrowed(name, Duration.ZERO);
            }
            return pc;
        }
        // Near its expiry or due for a check: decide with the precise clock, as the locked way does.
        now = clock.nanoTime();
        CloseReason reason = isExpired(pc, now) ? reasonForExpiry(pc)
                : isNearServerIdleTimeout(pc, now) ? CloseReason.IDLE : null;
        if (reason == null && isUsable(pc, now, now + maxWaitNanos)) {
            if (notifyBorrows) {
                listener.borrowed(name, Duration.ofNanos(clock.nanoTime() - now));
            }
            return pc;
        }
        discard(pc, reason == null ? CloseReason.BROKEN : reason);
        return null;
    }

    private static int hintSlot() {
        return ((int) Thread.currentThread().getId() & (HINT_SLOTS - 1)) * HINT_STRIDE;
    }

    private void rememberLastReturned(PooledConnection pc) {
        int slot = hintSlot();
        if (lastReturned[slot] != pc) {
            lastReturned[slot] = pc;
        }
    }

    /** The borrower owns {@code pc} now: start its loan (loan times are for leak reports and the suspect check). */
    private static void noteLoan(PooledConnection pc, long now) {
        pc.previousBorrowedAt = pc.borrowedAt;
        pc.borrowedAt = now;
        pc.loans++;
    }

    private PooledConnection borrowLocked(Credentials credentials) throws SQLException {
        long start = NEVER; // read with the precise clock once the borrower has to wait or connect
        long deadline = 0;
        for (;;) {
            long now = clock.recentNanoTime();
            Object grant = null;
            Waiter waiter = null;
            List<PooledConnection> toClose = null;
            int keptSlots = 0;
            boolean reachedMaxSize = false;
            lock.lock();
            try {
                if (closed) {
                    throw new PoolClosedException(name);
                }
                if (waiters.isEmpty()) {
                    Partition partition = partitionLocked(credentials);
                    for (int look = 0; grant == null && look < 2; look++) {
                        if (look == 1) {
                            // Announce the wait before the last look: a lock-free return either sees the announcement
                            // and comes to the lock, or has put its connection back where this look finds it.
                            waiting = 1;
                        }
                        PooledConnection pc;
                        while ((pc = takeIdleLocked(partition)) != null) {
                            if (isExpired(pc, now)) {
                                toClose = closingLocked(pc, toClose, reasonForExpiry(pc));
                                continue;
                            }
                            if (isNearServerIdleTimeout(pc, now)) {
                                toClose = closingLocked(pc, toClose, CloseReason.IDLE);
                                continue;
                            }
                            lendLocked(pc, now, start == NEVER ? now : start);
                            grant = pc;
                            break;
                        }
                        if (grant == null) {
                            if (toClose != null) {
                                keptSlots = 1; // open ours in the slot of an expired one, once it is closed
                                grant = Waiter.SLOT;
                            } else if (total < maxSize) {
                                total++;
                                grant = Waiter.SLOT;
                                if (total == maxSize) {
                                    reachedMaxSize = true;
                                }
                            } else {
                                PooledConnection victim = leastRecentlyUsedIdleOfOthersLocked(partition);
                                if (victim != null) {
                                    // Take the slot of another user's idle connection rather than wait for ever.
                                    toClose = closingLocked(victim, null, CloseReason.EVICTED);
                                    keptSlots = 1;
                                    grant = Waiter.SLOT;
                                }
                            }
                        }
                    }
                }
                if (grant == null) {
                    if (start == NEVER) {
                        start = clock.nanoTime();
                        deadline = start + maxWaitNanos;
                    }
                    waiter = new Waiter(credentials, Thread.currentThread(), start);
                    waiters.addLast(waiter);
                }
                waiting = waiters.size();
            } finally {
                lock.unlock();
            }
            closeAll(toClose, keptSlots);
            if (reachedMaxSize) {
                fullLog.log("pgpool " + name + " has grown to MaxSize=" + maxSize
                        + " connections; further requests wait up to MaxWait", null);
            }
            if (waiter != null) {
                grant = await(waiter, start, deadline);
                now = clock.nanoTime();
            }
            if (grant == Waiter.SLOT) {
                if (start == NEVER) {
                    start = clock.nanoTime();
                    deadline = start + maxWaitNanos;
                }
                return open(credentials, start, deadline);
            }
            PooledConnection pc = (PooledConnection) grant;
            if (start == NEVER) {
                start = now;
                deadline = start + maxWaitNanos;
            }
            if (isUsable(pc, now, deadline)) {
                if (notifyBorrows) {
                    listener.borrowed(name, Duration.ofNanos(now - start));
                }
                return pc;
            }
            // Dead: close it, free its slot (a waiter may get it) and try again within the same deadline.
            discard(pc, CloseReason.BROKEN);
        }
    }

    /**
     * Takes the most recently used idle connection of a partition. Entries lent without the lock stay listed, so
     * their borrowers can give them back without the lock too; taking them off here would send every such borrower
     * to the lock at once.
     */
    private static PooledConnection takeIdleLocked(Partition partition) {
        for (Iterator<PooledConnection> it = partition.idle.iterator(); it.hasNext();) {
            PooledConnection pc = it.next();
            if (pc.state() == PooledConnection.State.IDLE && pc.tryLend()) {
                it.remove();
                pc.listed = false; // ours now: it goes back through the lock, to the front
                return pc;
            }
        }
        return null;
    }

    /** Puts a connection at the front of its partition's idle list (most recently used). */
    private static void listFirstLocked(PooledConnection pc) {
        if (pc.listed) {
            pc.partition.idle.removeFirstOccurrence(pc);
        }
        pc.partition.idle.addFirst(pc);
        pc.listed = true;
    }

    /** Lends a connection the caller owns: an idle one it took or one handed over to a waiter. Caller holds the lock. */
    private void lendLocked(PooledConnection pc, long now, long borrowStart) {
        noteLoan(pc, now);
        pc.leakReported = false;
        pc.borrowedHere = leakNanos > 0 ? new Throwable("connection borrowed here") : null;
        long waited = now - borrowStart;
        if (waited > 0) {
            waitTotalNanos += waited;
            if (waited > waitMaxNanos) {
                waitMaxNanos = waited;
            }
        }
    }

    private Partition partitionLocked(Credentials credentials) {
        if (credentials == defaultCredentials) {
            return defaultPartition;
        }
        return partitions.computeIfAbsent(credentials, Partition::new);
    }

    /** Takes, for closing, the least recently used idle connection of other credentials, if there is one. */
    private PooledConnection leastRecentlyUsedIdleOfOthersLocked(Partition mine) {
        for (;;) {
            PooledConnection oldest = null;
            for (Partition p : partitions.values()) {
                if (p == mine) {
                    continue;
                }
                for (Iterator<PooledConnection> it = p.idle.descendingIterator(); it.hasNext();) {
                    PooledConnection pc = it.next();
                    if (pc.state() == PooledConnection.State.IDLE) {
                        if (oldest == null || pc.lastUsed < oldest.lastUsed) {
                            oldest = pc;
                        }
                        break; // the partition's least recently used idle one
                    }
                }
            }
            if (oldest == null) {
                return null;
            }
            if (oldest.tryRetire()) {
                oldest.partition.idle.removeLastOccurrence(oldest);
                oldest.listed = false;
                return oldest;
            }
            // Lent without the lock a moment ago: look again.
        }
    }

    private Object await(Waiter waiter, long start, long deadline) throws SQLException {
        for (;;) {
            Object grant = waiter.grant();
            if (grant == null) {
                boolean interrupted = Thread.interrupted();
                if (interrupted || clock.nanoTime() - deadline >= 0) {
                    PoolStatistics snapshot;
                    lock.lock();
                    try {
                        grant = waiter.grant();
                        if (grant == null) {
                            waiters.remove(waiter);
                            waiting = waiters.size();
                            if (!interrupted) {
                                timeouts++;
                            }
                        }
                        snapshot = statisticsLocked();
                    } finally {
                        lock.unlock();
                    }
                    if (grant == null) {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                            throw new SQLTransientConnectionException(
                                    "pgpool " + name + ": interrupted while waiting for a connection", "08001");
                        }
                        throw timedOut(start, snapshot);
                    }
                } else {
                    clock.parkUntil(waiter, deadline);
                    continue;
                }
            }
            if (grant == Waiter.CLOSED) {
                throw new PoolClosedException(name);
            }
            return grant;
        }
    }

    private PoolTimeoutException timedOut(long start, PoolStatistics snapshot) {
        PoolTimeoutException e = new PoolTimeoutException(name, Duration.ofNanos(clock.nanoTime() - start), snapshot,
                lastConnectFailure);
        timeoutLog.log(e.getMessage(), null);
        listener.timedOut(name, e);
        return e;
    }

    /** Opens a connection in a slot already counted in {@code total}, retrying with back-off until the deadline. */
    private PooledConnection open(Credentials credentials, long start, long deadline) throws SQLException {
        long backoff = FIRST_BACKOFF_NANOS;
        for (;;) {
            SQLException failure;
            try {
                long left = deadline - clock.nanoTime();
                Connection c = factory.open(credentials, Duration.ofNanos(Math.max(MIN_CHECK_NANOS, left)));
                return register(c, credentials, start);
            } catch (SQLException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new SQLTransientConnectionException("pgpool " + name + ": opening a connection failed",
                        "08001", e);
            }
            lastConnectFailure = failure;
            listener.connectionFailed(name, failure);
            PoolStatistics snapshot;
            boolean giveUp = isLoginRefused(failure) || clock.nanoTime() - deadline >= 0;
            Waiter next = null;
            lock.lock();
            try {
                connectFailures++;
                if (closed || giveUp) {
                    total--;
                    next = handOffSlotLocked();
                }
                snapshot = statisticsLocked();
            } finally {
                lock.unlock();
            }
            wake(next);
            if (closed) {
                throw new PoolClosedException(name);
            }
            if (isLoginRefused(failure)) {
                throw failure; // retrying cannot fix a wrong password or a missing database
            }
            if (giveUp) {
                lock.lock();
                try {
                    timeouts++;
                } finally {
                    lock.unlock();
                }
                throw timedOut(start, snapshot);
            }
            LOG.log(Level.DEBUG, "pgpool {0}: opening a connection failed, retrying: {1}", name,
                    failure.getMessage());
            long wakeAt = Math.min(clock.nanoTime() + backoff, deadline);
            while (clock.nanoTime() - wakeAt < 0 && !closed) {
                clock.parkUntil(this, wakeAt);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    /** Login refused (class 28) or database missing (3D000): the database answered and said no. */
    private static boolean isLoginRefused(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    private PooledConnection register(Connection c, Credentials credentials, long start) throws SQLException {
        ConnectionProfile profile;
        try {
            profile = ConnectionProfile.read(c);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        long now = clock.nanoTime();
        PooledConnection pc;
        boolean wasClosed;
        lock.lock();
        try {
            pc = new PooledConnection(this, c, credentials, partitionLocked(credentials), now, expiryFor(now),
                    profile);
            wasClosed = closed;
            if (wasClosed) {
                total--;
            } else {
                created++;
                pc.indexInAll = all.size();
                all.add(pc);
                lendLocked(pc, now, start);
            }
        } finally {
            lock.unlock();
        }
        lastConnectFailure = null;
        if (wasClosed) {
            closeQuietly(c);
            throw new PoolClosedException(name);
        }
        listener.connectionCreated(name, credentials);
        if (notifyBorrows) {
            listener.borrowed(name, Duration.ofNanos(now - start));
        }
        LOG.log(Level.DEBUG, "pgpool {0}: opened a connection for {1}", name, credentials.user());
        return pc;
    }

    private long expiryFor(long createdAt) {
        if (expiresNanos == 0) {
            return NO_EXPIRY;
        }
        long jitter = (long) (expiresNanos * EXPIRY_JITTER * random.getAsDouble());
        return createdAt + expiresNanos - jitter;
    }

    /**
     * Whether a connection is past Expires or was evicted. {@code now} may be a recent-time reading; near the expiry
     * the precise clock decides, so that no connection older than Expires is ever lent.
     */
    private boolean isExpired(PooledConnection pc, long now) {
        if (isEvicted(pc)) {
            return true;
        }
        if (farFromExpiry(pc, now)) {
            return false;
        }
        return clock.nanoTime() - pc.expiresAt >= 0;
    }

    /** Whether a connection is surely not expired at {@code now}, even if that is a recent-time reading. */
    private static boolean farFromExpiry(PooledConnection pc, long now) {
        return pc.expiresAt == NO_EXPIRY || now - pc.expiresAt < -EXPIRY_MARGIN_NANOS;
    }

    /**
     * Whether an idle connection is about to be closed by the server's own idle_session_timeout: lending it would
     * cost the borrower an error, so the pool retires it first, leaving a margin for the round trip.
     */
    private static boolean isNearServerIdleTimeout(PooledConnection pc, long now) {
        long limit = pc.profile.serverIdleTimeoutNanos();
        return limit > 0 && now - pc.lastUsed >= limit - Math.min(limit / 4, SERVER_IDLE_MARGIN_NANOS);
    }

    private boolean isEvicted(PooledConnection pc) {
        long before = evictBefore;
        return before != NEVER && pc.createdAt - before <= 0;
    }

    private CloseReason reasonForExpiry(PooledConnection pc) {
        return isEvicted(pc) ? CloseReason.EVICTED : CloseReason.EXPIRED;
    }

    /**
     * Suspect if a fatal error was seen since this connection's previous loan began: a database restart kills the
     * connections that were in use then too, even those given back clean a moment later.
     */
    private boolean isSuspect(PooledConnection pc) {
        long suspectSince = suspectBefore;
        return suspectSince != NEVER && suspectSince - pc.previousBorrowedAt >= 0;
    }

    /**
     * Checks a connection about to be lent: validated if idle a while or suspect since a fatal error, within
     * ValidationTimeout and what is left of the borrower's MaxWait (but at least 50 ms).
     */
    private boolean isUsable(PooledConnection pc, long now, long deadline) {
        if (!isSuspect(pc) && now - pc.lastUsed < validateIdleNanos) {
            return true;
        }
        long timeout = Math.max(MIN_CHECK_NANOS, Math.min(validationTimeoutNanos, deadline - now));
        try {
            if (Validation.isValid(pc.connection(), Duration.ofNanos(timeout))) {
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "pgpool {0}: validity check failed: {1}", name, e.getMessage());
        }
        suspectIdleConnections();
        return false;
    }

    /** From now on, idle connections returned until now are validated before they are lent. */
    void suspectIdleConnections() {
        suspectBefore = clock.nanoTime();
    }

    /** Gives a connection back; see {@link PooledConnection#release()}. */
    void release(PooledConnection pc) {
        if (!pc.beginReturn()) {
            throw new IllegalStateException("pgpool " + name + ": connection released twice");
        }
        boolean reusable = !pc.isBroken();
        if (reusable) {
            try {
                if (pc.connection().isClosed()) {
                    reusable = false; // pgjdbc closes its side after an I/O failure
                } else {
                    sessionReset.reset(pc);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.DEBUG, "pgpool {0}: cleaning a returned connection failed, closing it: {1}", name,
                        e.getMessage());
                reusable = false;
            }
            if (!reusable) {
                suspectIdleConnections();
            }
        }
        long now = clock.recentNanoTime();
        // Only a connection lent without the lock is still listed; it goes back the same way.
        if (reusable && lockFree && pc.listed && waiting == 0 && !closed
                && farFromExpiry(pc, now) && !isEvicted(pc)) {
            // Lock-free: it is still in the idle list, so marking it idle puts it back.
            pc.lastUsed = now;
            pc.markIdle();
            rememberLastReturned(pc);
            // Read after marking it idle (the borrower that starts to wait, or close(), writes first, then reads
            // the states): if either changed meanwhile, take it back and go the locked way.
            if (waiting == 0 && pc.listed && !closed && !isEvicted(pc)) {
                return;
            }
            if (!pc.tryReclaim()) {
                return; // somebody took it meanwhile: theirs now
            }
        }
        releaseLocked(pc, reusable, now);
    }

    private void releaseLocked(PooledConnection pc, boolean reusable, long now) {
        CloseReason closeReason = null;
        Waiter handedTo = null;
        lock.lock();
        try {
            if (!reusable) {
                closeReason = CloseReason.BROKEN;
            } else if (closed) {
                closeReason = CloseReason.SHUTDOWN;
            } else if (isExpired(pc, now)) {
                closeReason = reasonForExpiry(pc);
            } else if (!waiters.isEmpty()) {
                Waiter head = waiters.peekFirst();
                if (head.credentials.equals(pc.credentials())) {
                    waiters.pollFirst();
                    waiting = waiters.size();
                    pc.lastUsed = now;
                    pc.handOver();
                    lendLocked(pc, now, head.start);
                    handedTo = head.grant(pc);
                } else {
                    // The longest waiter needs other credentials: close this one, and the freed slot goes to them.
                    closeReason = CloseReason.EVICTED;
                }
            } else {
                pc.lastUsed = now;
                pc.borrowedHere = null;
                listFirstLocked(pc);
                pc.markIdle();
            }
            if (closeReason != null) {
                forgetLocked(pc, closeReason);
            }
        } finally {
            lock.unlock();
        }
        if (closeReason != null) {
            closeAndFreeSlot(pc);
            return;
        }
        if (handedTo != null) {
            handedTo.wake();
            if (notifyBorrows) {
                listener.borrowed(name, Duration.ofNanos(now - handedTo.start));
            }
        } else {
            rememberLastReturned(pc);
        }
    }

    /** Closes a lent connection that turned out dead before it was handed over, and frees its slot. */
    private void discard(PooledConnection pc, CloseReason reason) {
        pc.loans--; // not lent after all
        lock.lock();
        try {
            forgetLocked(pc, reason);
        } finally {
            lock.unlock();
        }
        closeAndFreeSlot(pc);
    }

    /** Closes a connection already taken off the books, then frees its slot: MaxSize holds even while closing. */
    private void closeAndFreeSlot(PooledConnection pc) {
        closePhysical(pc, pc.closeReason);
        Waiter next;
        lock.lock();
        try {
            total--;
            next = handOffSlotLocked();
        } finally {
            lock.unlock();
        }
        wake(next);
    }

    /**
     * A slot just came free (total was decremented): give it to the longest waiter, if any.
     *
     * @return the waiter to {@link #wake} after the lock, or {@code null}
     */
    private Waiter handOffSlotLocked() {
        if (!waiters.isEmpty() && total < maxSize) {
            total++;
            Waiter w = waiters.pollFirst();
            waiting = waiters.size();
            return w.grant(Waiter.SLOT);
        }
        return null;
    }

    private static void wake(Waiter w) {
        if (w != null) {
            w.wake();
        }
    }

    /**
     * Takes a connection out of the pool's books for closing after the lock is released. Its slot stays counted in
     * {@code total} until it is physically closed ({@link #closeAll}).
     */
    private List<PooledConnection> closingLocked(PooledConnection pc, List<PooledConnection> list,
            CloseReason reason) {
        forgetLocked(pc, reason);
        List<PooledConnection> result = list == null ? new ArrayList<>(2) : list;
        result.add(pc);
        return result;
    }

    /** Removes a connection from the list of all connections and counts its closing. */
    private void forgetLocked(PooledConnection pc, CloseReason reason) {
        pc.retire();
        pc.closeReason = reason;
        if (pc.listed) {
            pc.partition.idle.removeFirstOccurrence(pc);
            pc.listed = false;
        }
        retiredLoans += pc.loans;
        // Forget it as a thread's last connection too: a closed pgjdbc connection still holds its buffers.
        for (int i = 0; i < lastReturned.length; i += HINT_STRIDE) {
            if (lastReturned[i] == pc) {
                lastReturned[i] = null;
            }
        }
        int i = pc.indexInAll;
        if (i >= 0) {
            PooledConnection last = all.remove(all.size() - 1);
            if (last != pc) {
                all.set(i, last);
                last.indexInAll = i;
            }
            pc.indexInAll = -1;
        }
        closedBy[reason.ordinal()]++;
    }

    /**
     * Closes connections taken off the books, then frees their slots for waiters, except {@code keptSlots} that the
     * caller goes on to open a connection in.
     */
    private void closeAll(List<PooledConnection> list, int keptSlots) {
        if (list == null) {
            return;
        }
        for (PooledConnection pc : list) {
            closePhysical(pc, pc.closeReason); // written under the lock by this thread
        }
        int freed = list.size() - keptSlots;
        if (freed > 0) {
            Waiter[] next = new Waiter[freed];
            lock.lock();
            try {
                total -= freed;
                for (int i = 0; i < freed; i++) {
                    next[i] = handOffSlotLocked();
                }
            } finally {
                lock.unlock();
            }
            for (Waiter w : next) {
                wake(w);
            }
        }
    }

    private void closePhysical(PooledConnection pc, CloseReason reason) {
        if (reason == CloseReason.BROKEN) {
            brokenLog.log("pgpool " + name + ": closed a broken connection (fatal error, failed check or failed "
                    + "reset); idle connections are checked before reuse", null);
        }
        closeQuietly(pc.connection());
        listener.connectionClosed(name, reason);
        LOG.log(Level.DEBUG, "pgpool {0}: closed a connection ({1})", name, reason);
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "pgpool {0}: closing a connection failed: {1}", name, e.getMessage());
        }
    }

    /**
     * One housekeeping pass: closes idle connections past Cleanup or Expires and reports leaks. The scheduler runs
     * it periodically; tests call it directly.
     */
    public void housekeep() {
        List<PooledConnection> toClose = null;
        List<PooledConnection> leaked = null;
        long now = clock.nanoTime();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Partition p : partitions.values()) {
                Iterator<PooledConnection> it = p.idle.descendingIterator();
                while (it.hasNext()) {
                    PooledConnection pc = it.next();
                    if (pc.state() != PooledConnection.State.IDLE || reasonToClose(pc, now) == null
                            || !pc.tryRetire()) {
                        continue; // in use (lent without the lock), or not due
                    }
                    // Ours now, so its last use is final: it may have been lent and given back since the first look.
                    CloseReason reason = reasonToClose(pc, now);
                    if (reason == null) {
                        pc.markIdle();
                        continue;
                    }
                    it.remove();
                    pc.listed = false;
                    toClose = closingLocked(pc, toClose, reason);
                }
            }
            if (leakNanos > 0) {
                for (PooledConnection pc : all) {
                    if (pc.state() == PooledConnection.State.IN_USE && !pc.leakReported
                            && now - pc.borrowedAt >= leakNanos) {
                        pc.leakReported = true;
                        leaks++;
                        leaked = leaked == null ? new ArrayList<>(2) : leaked;
                        leaked.add(pc);
                    }
                }
            }
            if (partitions.size() > 1) {
                partitions.values().removeIf(p -> p != defaultPartition && p.idle.isEmpty() && !inUseBy(p));
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose, 0);
        if (leaked != null) {
            for (PooledConnection pc : leaked) {
                Duration held = Duration.ofNanos(now - pc.borrowedAt);
                Throwable where = pc.borrowedHere;
                LOG.log(Level.WARNING, "pgpool " + name + ": a connection has been held for " + held.toMillis()
                        + "ms (LeakThreshold) and may have leaked; it was borrowed here:", where);
                listener.leakSuspected(name, held, where);
            }
        }
    }

    /** Why housekeeping should close an idle connection now, or {@code null}. */
    private CloseReason reasonToClose(PooledConnection pc, long now) {
        if (isExpired(pc, now)) {
            return reasonForExpiry(pc);
        }
        if ((cleanupNanos > 0 && now - pc.lastUsed >= cleanupNanos + recentSlackNanos)
                || isNearServerIdleTimeout(pc, now)) {
            return CloseReason.IDLE;
        }
        return null;
    }

    private boolean inUseBy(Partition p) {
        for (PooledConnection pc : all) {
            if (pc.partition == p) {
                return true;
            }
        }
        return false;
    }

    /** Closes every idle connection now (an administrator's "flush"). Connections in use are not touched. */
    public void evictIdle() {
        List<PooledConnection> toClose = null;
        lock.lock();
        try {
            for (Partition p : partitions.values()) {
                PooledConnection pc;
                while ((pc = p.idle.pollFirst()) != null) {
                    pc.listed = false;
                    if (pc.tryRetire()) {
                        toClose = closingLocked(pc, toClose, CloseReason.EVICTED);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose, 0);
    }

    /**
     * Replaces every connection gracefully: idle ones are closed now, those in use are closed when they come back;
     * new borrowers get new connections.
     */
    public void evictAll() {
        lock.lock();
        try {
            evictBefore = clock.nanoTime();
        } finally {
            lock.unlock();
        }
        evictIdle();
    }

    /** @return a consistent snapshot of the pool's figures */
    public PoolStatistics statistics() {
        lock.lock();
        try {
            return statisticsLocked();
        } finally {
            lock.unlock();
        }
    }

    private PoolStatistics statisticsLocked() {
        // Connections change between idle and in use without the lock: count their states now.
        int active = 0;
        int idle = 0;
        long borrows = retiredLoans;
        for (PooledConnection pc : all) {
            if (pc.state() == PooledConnection.State.IDLE) {
                idle++;
            } else {
                active++;
            }
            borrows += pc.loans;
        }
        return new PoolStatistics(name, maxSize, total, active, idle, waiters.size(), created,
                closedBy[CloseReason.EXPIRED.ordinal()], closedBy[CloseReason.IDLE.ordinal()],
                closedBy[CloseReason.BROKEN.ordinal()], closedBy[CloseReason.EVICTED.ordinal()],
                closedBy[CloseReason.SHUTDOWN.ordinal()], connectFailures, borrows, timeouts, leaks,
                Duration.ofNanos(waitTotalNanos), Duration.ofNanos(waitMaxNanos));
    }

    /**
     * Closes the pool: idle connections are closed now, waiters get a {@link PoolClosedException}, connections in
     * use are closed when they come back. Idempotent.
     */
    @Override
    public void close() {
        List<PooledConnection> toClose = null;
        List<Waiter> released = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Partition p : partitions.values()) {
                PooledConnection pc;
                while ((pc = p.idle.pollFirst()) != null) {
                    pc.listed = false; // after closed = true: see release()
                    if (pc.tryRetire()) {
                        toClose = closingLocked(pc, toClose, CloseReason.SHUTDOWN);
                    }
                }
            }
            Waiter w;
            while ((w = waiters.pollFirst()) != null) {
                released.add(w.grant(Waiter.CLOSED));
            }
            waiting = 0;
            java.util.Arrays.fill(lastReturned, null);
        } finally {
            lock.unlock();
        }
        released.forEach(Waiter::wake);
        housekeeping.close();
        if (jmx != null) {
            jmx.unregister();
        }
        closeAll(toClose, 0);
        LOG.log(Level.INFO, "pgpool {0} closed", name);
    }

    /** The pool's lock: tests hold it from another thread to make a borrower take the lock-free way. */
    ReentrantLock lockForTests() {
        return lock;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** @return the JMX name of this pool's {@link io.github.pgpool.api.PoolMXBean}, or empty if not published */
    public java.util.Optional<javax.management.ObjectName> mxBeanName() {
        return java.util.Optional.ofNullable(jmx == null ? null : jmx.objectName());
    }

    @Override
    public String toString() {
        PoolStatistics s = statistics();
        return "PgPool{" + name + ", total=" + s.total() + ", active=" + s.active() + ", idle=" + s.idle()
                + ", waiting=" + s.waiting() + "}";
    }

    /**
     * How often housekeeping runs: a quarter of the shortest enabled limit, so an idle connection is closed at most
     * 25% after its Cleanup time, kept between 50ms and 5s.
     */
    static Duration housekeepingPeriod(PoolSettings s) {
        long shortest = Long.MAX_VALUE;
        for (Duration d : new Duration[] {s.cleanup(), s.expires(), s.leakThreshold()}) {
            if (!d.isZero()) {
                shortest = Math.min(shortest, d.toMillis());
            }
        }
        long period = shortest == Long.MAX_VALUE ? 5_000 : Math.max(50, Math.min(5_000, shortest / 4));
        return Duration.ofMillis(period);
    }

    /** Builds a {@link PgPool}; everything but the settings has a production default. */
    public static final class Builder {
        private final PoolSettings settings;
        private ConnectionFactory factory;
        private PoolClock clock = PoolClock.SYSTEM;
        private Scheduler scheduler;
        private static final PoolListener NO_LISTENER = new PoolListener() {
        };
        private PoolListener listener = NO_LISTENER;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private boolean jmx = true;

        private Builder(PoolSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Opens physical connections with this factory instead of pgjdbc (for tests and benchmarks). */
        public Builder connectionFactory(ConnectionFactory factory) {
            this.factory = Objects.requireNonNull(factory);
            return this;
        }

        /** Uses this clock instead of the system's. */
        public Builder clock(PoolClock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Runs housekeeping with this scheduler instead of a daemon thread. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        /** Sends the pool's events to this listener. */
        public Builder listener(PoolListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Draws the expiry jitter from this source of numbers in [0, 1) (for deterministic tests); 0 means no
         * jitter, values near 1 take {@value #EXPIRY_JITTER_PERCENT}% off a connection's lifetime.
         */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Whether to publish the pool's MXBean on the platform MBean server (default: yes). */
        public Builder jmx(boolean publish) {
            this.jmx = publish;
            return this;
        }

        /** The largest jitter, in percent of Expires. */
        public static final double EXPIRY_JITTER_PERCENT = EXPIRY_JITTER * 100;

        /** @return the started pool */
        public PgPool build() {
            return new PgPool(this);
        }
    }
}

package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.Durations;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The borrow side of a {@link PgPool}: lends an idle connection, opens one in a free slot, or queues the borrower
 * and waits for a grant, all within the borrower's MaxWait.
 *
 * <p>A borrow tries the {@link HotLane} first (lock-free), then looks at the {@link PoolBooks} under the pool's lock,
 * then waits in the {@link WaiterQueue} or opens a connection with the {@link Connector}; the lock is never held
 * across I/O. Thread-safe: its own fields are final; what it changes is guarded by the pool's lock, or owned through
 * a connection's compare-and-set state.
 */
final class Lender extends PoolSide {
    private static final long NEVER = ConnectionHealth.NEVER;

    private final String name;
    private final int maxSize;
    private final long maxWaitNanos;
    private final long leakNanos;
    private final boolean lockFree;
    private final Connector connector;
    private final LoanOwner owner;

    /**
     * @param maxWaitNanos MaxWait
     * @param leakNanos LeakThreshold, 0 = off; with it on, loans are recorded under the lock and the lock-free lane
     *     is off
     * @param owner what the connections it opens give themselves back to
     */
    Lender(PoolParts parts, long maxWaitNanos, long leakNanos, Connector connector, LoanOwner owner) {
        super(parts);
        this.name = parts.name();
        this.maxSize = parts.maxSize();
        this.maxWaitNanos = maxWaitNanos;
        this.leakNanos = leakNanos;
        this.lockFree = leakNanos == 0;
        this.connector = connector;
        this.owner = owner;
    }

    /** @return whether connections may be lent and given back without the lock */
    boolean lockFree() {
        return lockFree;
    }

    /** Borrows for {@link PgPool#borrow(Credentials)}. */
    PooledConnection borrow(Credentials credentials) throws SQLException {
        // Not while the queue starves: then connections go to the longest waiter, never to a newcomer.
        if (lockFree && !closed.getAsBoolean() && (waiters.sizeHint() == 0 || !waiters.starving())) {
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
            boolean servedFromQueue = false;
            lock.lock();
            try {
                if (closed.getAsBoolean()) {
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
                        servedFromQueue = true;
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
            if (servedFromQueue) {
                waiters.passOnNudge();
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
                waiters.passOnNudge(); // handed a connection or a slot: the nudge that woke it may be the next head's
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
    void lendLocked(PooledConnection pc, long now, long borrowStart) {
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
                    snapshot = counters.snapshot(name, maxSize, books, waiters.size());
                }
            } finally {
                lock.unlock();
            }
            if (grant == null) {
                waiters.passOnNudge(); // it gave up: a nudge that woke it is the next head's
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
            if (closed.getAsBoolean()) {
                throw events.closedException();
            }
            throw timedOut(start, statistics());
        }
        long now = pc.createdAt();
        boolean wasClosed;
        lock.lock();
        try {
            wasClosed = closed.getAsBoolean();
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

    private PoolStatistics statistics() {
        lock.lock();
        try {
            return counters.snapshot(name, maxSize, books, waiters.size());
        } finally {
            lock.unlock();
        }
    }
}

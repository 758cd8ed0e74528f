package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes physical connections that were taken off the books, and only then frees their slots: MaxSize counts a
 * connection until its socket is closed. Each freed slot goes to the longest waiter, if any, who then opens a
 * connection in it.
 *
 * <p>After the pool was replaced by a successor ({@link PgPool#replaceWith}), freed slots are the successor's: it
 * counted them against its MaxSize while they were open here ({@link SlotSink}).
 *
 * <p>Closing happens outside the pool's lock (it is network I/O); freeing slots takes the lock briefly. Thread-safe.
 */
final class Closer {
    /** A broken connection's backend is usually gone, or its link silent: its close waits at most this long. */
    private static final long BROKEN_LINGER_MILLIS = LinkSocket.FAILED_LINGER_MILLIS;
    private final ReentrantLock lock;
    private final PoolBooks books;
    private final WaiterQueue waiters;
    private final HotLane hotLane;
    private final PoolEvents events;
    private final PoolClock clock;
    /**
     * Where freed slots go once the pool is retired ({@link PgPool#replaceWith}): to its successor, which counts them
     * until they are free. Guarded by the lock; {@code null} while the pool is its own.
     */
    private SlotSink successor;

    Closer(ReentrantLock lock, PoolBooks books, WaiterQueue waiters, HotLane hotLane, PoolEvents events,
            PoolClock clock) {
        this.lock = lock;
        this.clock = clock;
        this.books = books;
        this.waiters = waiters;
        this.hotLane = hotLane;
        this.events = events;
    }

    /** Closes one connection taken off the books, then frees its slot. Not under the lock. */
    void closeAndFreeSlot(PooledConnection pc) {
        closePhysical(pc);
        freeSlot();
    }

    /**
     * Closes connections taken off the books, then frees their slots, except {@code keptSlots} that the caller goes
     * on to open a connection in. Not under the lock.
     */
    void closeAll(List<PooledConnection> list, int keptSlots) {
        if (list == null) {
            return;
        }
        for (PooledConnection pc : list) {
            closePhysical(pc);
        }
        int freed = list.size() - keptSlots;
        if (freed <= 0) {
            return;
        }
        freeSlots(freed);
    }

    /**
     * Closes a connection that never went on the books (the pool closed while it was being opened), without events:
     * nobody was told it existed. Then frees its slot. Not under the lock.
     */
    void closeUnregistered(PooledConnection pc) {
        closeQuietly(pc);
        freeSlot();
    }

    /** Closes the physical connection of one that never went on the books, keeping its slot for the caller. */
    void closeQuietly(PooledConnection pc) {
        try {
            pc.connection().close();
        } catch (Exception e) {
            events.closeFailed(e);
        }
    }

    /** Frees the slot of a connection that is closed or was never opened. Not under the lock. */
    void freeSlot() {
        freeSlots(1);
    }

    /**
     * Frees {@code n} slots of connections that are closed (or never opened) and gives them to the longest waiters;
     * once the pool is retired, passes them on to its successor instead. Not under the lock.
     */
    private void freeSlots(int n) {
        passOn(n, false);
    }

    /**
     * The predecessor closed {@code n} connections whose slots this pool inherited: they are free now, for the
     * longest waiters here, or for this pool's own successor if it was retired meanwhile. Not under the lock.
     */
    void inheritedSlotsFreed(int n) {
        passOn(n, true);
    }

    /**
     * Takes {@code n} freed slots off the books (this pool's own, or ones it inherited) and gives them to the longest
     * waiters, or to the successor once there is one.
     */
    private void passOn(int n, boolean inherited) {
        Waiter[] next;
        SlotSink sink;
        lock.lock();
        try {
            if (inherited) {
                books.releaseInherited(n);
            } else {
                books.freeSlots(n);
            }
            sink = successor;
            next = sink == null ? handOffSlotsLocked(n) : null;
        } finally {
            lock.unlock();
        }
        wake(next);
        if (sink != null) {
            sink.slotsFreed(n);
        }
    }

    /** Counts {@code n} slots of a predecessor's open connections against MaxSize (see {@link Retirement}). */
    void inheritSlots(int n) {
        lock.lock();
        try {
            books.inheritSlots(n);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the pool's slots: from now on every freed slot, and every inherited one, goes to {@code sink}. Under
     * the lock, in the same critical section that hands the count of open slots to the successor, so that no slot is
     * counted twice or lost.
     */
    void redirectLocked(SlotSink sink) {
        this.successor = sink;
    }

    private Waiter[] handOffSlotsLocked(int n) {
        Waiter[] next = new Waiter[n];
        for (int i = 0; i < n; i++) {
            next[i] = handOffSlotLocked();
        }
        return next;
    }

    private static void wake(Waiter[] waiters) {
        if (waiters != null) {
            for (Waiter w : waiters) {
                Waiter.wakeIfAny(w);
            }
        }
    }

    /**
     * A slot just came free: gives it to the longest waiter, if any. Under the lock.
     *
     * @return the waiter to wake after the lock, or {@code null}
     */
    Waiter handOffSlotLocked() {
        Waiter head = waiters.head();
        if (head != null && books.tryTakeSlot()) {
            waiters.served(head, clock.nanoTime());
            return head.grantSlot();
        }
        return null;
    }

    private void closePhysical(PooledConnection pc) {
        hotLane.forget(pc);
        if (pc.closeReason() == CloseReason.BROKEN) {
            pc.lingerAtMost(BROKEN_LINGER_MILLIS);
        }
        Connection c = pc.connection();
        try {
            c.close();
        } catch (Exception e) {
            events.closeFailed(e);
        }
        events.connectionClosed(pc.closeReason());
    }
}

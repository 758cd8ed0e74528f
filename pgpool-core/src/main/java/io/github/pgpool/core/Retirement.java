package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ends a pool's service: by closing it, or by retiring it in favour of a successor ({@link PgPool#replaceWith}).
 * Either way lending stops, idle connections are closed now, waiters are released and those in use are closed when
 * they come back; a successor also inherits, in the same critical section, the slots of every connection still open
 * or being opened, and from then on receives them as they are freed ({@link SlotSink}), so that no slot is counted
 * twice or lost.
 *
 * <p>Lock-guarded: the state changes under the pool's lock; {@link #isClosed()} and {@link #successor()} are
 * volatile reads for the borrow and return paths.
 */
final class Retirement {
    private final ReentrantLock lock;
    private final PoolBooks books;
    private final WaiterQueue waiters;
    private final HotLane hotLane;
    private final Closer closer;
    /** Written under the lock, read without it. */
    private volatile boolean closed;
    /** The pool that took over, or {@code null}; written under the lock before {@link #closed}, read without it. */
    private volatile PgPool successor;

    Retirement(ReentrantLock lock, PoolBooks books, WaiterQueue waiters, HotLane hotLane, Closer closer) {
        this.lock = lock;
        this.books = books;
        this.waiters = waiters;
        this.hotLane = hotLane;
        this.closer = closer;
    }

    boolean isClosed() {
        return closed;
    }

    /** @return the successor, or {@code null} if the pool is open or was closed without one */
    PgPool successor() {
        return successor;
    }

    /**
     * Stops the pool, in favour of {@code next} if not {@code null}: {@code next} inherits the open slots first.
     * Takes the pool's lock, and under it {@code next}'s (lock order: predecessor, then successor).
     *
     * @return {@code false} if the pool had already stopped (nothing done)
     */
    boolean end(CloseReason reason, PgPool next) {
        List<PooledConnection> toClose = new ArrayList<>();
        List<Waiter> released;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (next != null) {
                Closer nextCloser = next.closer();
                nextCloser.inheritSlots(books.total() + books.inherited());
                closer.redirectLocked(nextCloser::inheritedSlotsFreed);
                successor = next; // before closed = true: a borrower that sees closed finds the successor
            }
            closed = true;
            books.drainIdle(reason, toClose); // after closed = true: see Returns.release()
            released = waiters.closeAll();
            hotLane.clear();
        } finally {
            lock.unlock();
        }
        released.forEach(Waiter::wake); // a released waiter sees the successor, if any, and borrows there
        closer.closeAll(toClose, 0);
        return true;
    }
}

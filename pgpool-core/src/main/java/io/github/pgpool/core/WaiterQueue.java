package io.github.pgpool.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The borrowers waiting for a connection, first come, first served, and a size that can be read without the lock.
 *
 * <p>Lock-guarded: every method but {@link #sizeHint()} is called under the pool's lock. The volatile size is what
 * lets connections be lent and given back without the lock while nobody waits: a lock-free path reads it before and
 * after it acts, and backs off to the lock when it is not 0 (see {@link #announce()}).
 */
final class WaiterQueue {
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** {@code queue.size()}, or 1 while a borrower has announced that it may be about to wait. */
    private volatile int size;

    /** @return the number of waiters, possibly a moment old; read without the lock by the lock-free paths */
    int sizeHint() {
        return size;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /**
     * The "announce, then look once more" handshake with lock-free returns. A borrower that found nothing idle calls
     * this before its last look at the idle list. A connection given back without the lock is first marked idle
     * (still listed), then the returning thread reads the size: if it reads 0, it ran before this announcement, so the
     * last look finds its connection; if it reads the announcement, it takes its connection back to the lock, where
     * it is handed to the waiter. Either way no connection sits idle while a borrower parks. {@link #settle()} ends
     * the announcement if the borrower did not queue after all.
     */
    void announce() {
        size = 1;
    }

    /** Makes the size readable without the lock true again after a change or an {@link #announce()}. */
    void settle() {
        size = queue.size();
    }

    void add(Waiter w) {
        queue.addLast(w);
        size = queue.size();
    }

    /** @return whether {@code w} was still queued (it timed out or was interrupted before anything was granted) */
    boolean remove(Waiter w) {
        boolean removed = queue.remove(w);
        size = queue.size();
        return removed;
    }

    /** @return the longest waiter, or {@code null} */
    Waiter head() {
        return queue.peekFirst();
    }

    /** Takes the longest waiter off the queue, to grant it something. */
    Waiter pollHead() {
        Waiter w = queue.pollFirst();
        size = queue.size();
        return w;
    }

    /** Grants "closed" to every waiter and empties the queue; the caller wakes them after the lock. */
    List<Waiter> closeAll() {
        List<Waiter> released = new ArrayList<>(queue.size());
        Waiter w;
        while ((w = queue.pollFirst()) != null) {
            released.add(w.grantClosed());
        }
        size = 0;
        return released;
    }
}

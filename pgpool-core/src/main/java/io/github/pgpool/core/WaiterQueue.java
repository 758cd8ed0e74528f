package io.github.pgpool.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The borrowers waiting for a connection, first come, first served, and the rule for when a newcomer may go ahead of
 * them: fast like a pool that lets the running thread take a free connection, fair like a queue.
 *
 * <p><b>Normal mode.</b> While the longest waiter has waited less than the {@link #bound()} (1 ms, or a quarter of
 * MaxWait if that is less), a connection given back becomes idle and a newcomer, the returning thread included, may
 * take it; the head of the queue is nudged ({@link #nudge()}) to look too. Under load most borrows then cost no
 * thread wake-up, and connections stay warm on the threads that use them.
 *
 * <p><b>Starving mode.</b> Once the head has waited the bound, every connection given back goes straight to the
 * head and newcomers queue behind, as in a strict queue, until a waiter is served that waited less than the bound or
 * the queue is empty. So no waiter waits more than the bound beyond its first-come-first-served turn, and MaxWait
 * keeps its meaning: no borrower times out while a connection it could have had went to a newcomer after the bound.
 * Go's {@code sync.Mutex} switches between the same two modes for the same reason.
 *
 * <p>Lock-guarded: every method but the lock-free reads ({@link #sizeHint()}, {@link #starving()},
 * {@link #isHead}, {@link #nudgePending()}), {@link #nudge()} and {@link #passOnNudge()} is called under the pool's
 * lock. Nothing here wakes a thread while the lock is held: a wake-up is a system call, and on a busy machine the
 * woken thread may take the waker's processor at once, so that the lock stays held while its holder waits to run
 * again (measured: holds of 10 to 14 ms that stalled every borrow and return, PostgreSQL at 32 threads on 2 cores).
 */
final class WaiterQueue {
    /** The longest a newcomer may go ahead of the head of the queue, unless a quarter of MaxWait is less. */
    static final long STARVATION_BOUND_NANOS = 1_000_000L;

    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private final long bound;
    /** {@code queue.size()}, or 1 while a borrower has announced that it may be about to wait. */
    private volatile int size;
    /** The head of the queue, readable without the lock, for nudges. */
    private volatile Waiter head;
    private volatile boolean starving;
    /** A connection became idle while borrowers wait: the head should look once more. */
    private volatile boolean nudgePending;

    WaiterQueue(long maxWaitNanos) {
        this.bound = Math.min(STARVATION_BOUND_NANOS, Math.max(1, maxWaitNanos / 4));
    }

    /** @return how long the head may wait before the queue starts to starve */
    long bound() {
        return bound;
    }

    // ---- Read without the lock ----------------------------------------------------------------------------------

    /** @return the number of waiters, possibly a moment old */
    int sizeHint() {
        return size;
    }

    /** @return whether connections go straight to the head of the queue and newcomers must queue */
    boolean starving() {
        return starving;
    }

    /** @return whether {@code w} is the head of the queue (possibly a moment old) */
    boolean isHead(Waiter w) {
        return head == w;
    }

    /** @return whether the head should look for an idle connection once more */
    boolean nudgePending() {
        return nudgePending;
    }

    /**
     * A connection was just marked idle while borrowers wait (normal mode): the head is asked to look once more,
     * unless it already is. Lock-free. A connection given back marks itself idle before it nudges, and a borrower
     * that becomes head is listed as head before it reads {@link #nudgePending()} to decide whether to park: so
     * either the nudger sees the new head and wakes it, or the new head sees the nudge and looks.
     */
    void nudge() {
        if (!nudgePending) {
            nudgePending = true;
            Waiter.wakeIfAny(head);
        }
    }

    /**
     * Called without the lock by a borrower that has just left the queue, served or giving up: if a nudge is still
     * pending, it may have woken this borrower, which will not look for the idle connection behind it now, so the
     * new head is woken to look instead. The head takes the nudge when it looks ({@link #headLooks}); a borrower
     * that becomes head later sees the pending nudge before it parks.
     */
    void passOnNudge() {
        if (nudgePending) {
            Waiter.wakeIfAny(head);
        }
    }

    // ---- Under the lock -----------------------------------------------------------------------------------------

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
     * last look finds its connection; if it reads the announcement, it nudges, and the borrower, about to be the head,
     * sees the nudge before it parks. Either way no connection sits idle while a borrower parks. {@link #settle()}
     * ends the announcement if the borrower did not queue after all.
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
        changed();
    }

    /** The head is about to look for an idle connection itself: it takes the nudge, and notes whether it starves. */
    void headLooks(Waiter w, long now) {
        nudgePending = false;
        if (now - w.start >= bound) {
            starving = true;
        }
    }

    /**
     * A waiter leaves the queue served (it took a connection or a slot, or was handed one): the queue stops starving
     * if this one waited less than the bound or nobody is left.
     */
    void served(Waiter w, long now) {
        queue.remove(w);
        if (queue.isEmpty() || now - w.start < bound) {
            starving = false;
        }
        changed();
    }

    /** @return whether {@code w} was still queued (it gave up before anything was granted) */
    boolean remove(Waiter w) {
        boolean removed = queue.remove(w);
        if (queue.isEmpty()) {
            starving = false;
        }
        changed();
        return removed;
    }

    /** @return the longest waiter, or {@code null} */
    Waiter head() {
        return queue.peekFirst();
    }

    /** Grants "closed" to every waiter and empties the queue; the caller wakes them after the lock. */
    List<Waiter> closeAll() {
        List<Waiter> released = new ArrayList<>(queue.size());
        Waiter w;
        while ((w = queue.pollFirst()) != null) {
            released.add(w.grantClosed());
        }
        starving = false;
        changed();
        return released;
    }

    /** After any change: the lock-free views follow. Whoever leaves the queue passes a pending nudge on after the lock. */
    private void changed() {
        size = queue.size();
        head = queue.peekFirst();
    }
}

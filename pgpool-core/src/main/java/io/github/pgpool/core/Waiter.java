package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.util.concurrent.locks.LockSupport;

/**
 * A borrower parked in the {@link WaiterQueue}. The pool grants it exactly one of three things, under the pool's lock:
 * a connection that is now the waiter's, a slot in which the waiter opens a connection itself, or the news that the
 * pool closed. The grant is published by a volatile write and the thread is woken after the lock is released, so the
 * wake-up system call does not lengthen anybody's hold of the lock.
 *
 * <p>Granting is lock-guarded (the pool's lock); {@link #grant()} and {@link #connection()} are read without it by the
 * waiter itself.
 */
final class Waiter {
    /** What a waiter was given. */
    enum Grant {
        /** A connection, lent to the waiter: {@link #connection()}. */
        CONNECTION,
        /** A slot counted against MaxSize: the waiter opens a connection in it. */
        SLOT,
        /** The pool closed while the waiter waited. */
        CLOSED
    }

    final Credentials credentials;
    final Thread thread;
    /** When the borrower started asking (precise clock), for its MaxWait and the wait statistics. */
    final long start;
    /** Written before {@link #grant}, whose volatile write publishes it. */
    private PooledConnection connection;
    private volatile Grant grant;

    Waiter(Credentials credentials, Thread thread, long start) {
        this.credentials = credentials;
        this.thread = thread;
        this.start = start;
    }

    /** Hands {@code pc}, already lent to this waiter, over. Under the pool's lock; wake the waiter after it. */
    Waiter grantConnection(PooledConnection pc) {
        connection = pc;
        grant = Grant.CONNECTION;
        return this;
    }

    /** Gives this waiter a slot to open a connection in. Under the pool's lock; wake the waiter after it. */
    Waiter grantSlot() {
        grant = Grant.SLOT;
        return this;
    }

    /** Tells this waiter the pool closed. Under the pool's lock; wake the waiter after it. */
    Waiter grantClosed() {
        grant = Grant.CLOSED;
        return this;
    }

    /** @return the grant, or {@code null} while there is none */
    Grant grant() {
        return grant;
    }

    /** @return the connection granted, valid once {@link #grant()} returned {@link Grant#CONNECTION} */
    PooledConnection connection() {
        return connection;
    }

    /**
     * Parks the waiting thread until it is granted something, or, being the head of {@code queue}, it is nudged or
     * has waited the queue's bound, or {@code deadline} (precise clock) passes, or the thread is interrupted (the
     * flag is left set). Spurious wake-ups are absorbed here.
     *
     * @return the grant, or {@code null} if the wait ended without one: the caller then looks under the lock, where a
     *     grant may have come meanwhile, and either looks for an idle connection (nudged, or time to note that the
     *     queue starves) or gives up (deadline, interrupt)
     */
    Grant awaitGrant(PoolClock clock, long deadline, WaiterQueue queue) {
        for (;;) {
            Grant g = grant;
            if (g != null) {
                return g;
            }
            long now = clock.nanoTime();
            if (thread.isInterrupted() || now - deadline >= 0) {
                return null;
            }
            long until = deadline;
            if (queue.isHead(this)) {
                long starvesAt = start + queue.bound();
                if (queue.nudgePending() || !queue.starving() && now - starvesAt >= 0) {
                    return null;
                }
                if (!queue.starving() && starvesAt - until < 0) {
                    until = starvesAt;
                }
            }
            clock.parkUntil(this, until);
        }
    }

    /** @return whether a wait that ended without a grant must end the borrow: the deadline passed or interrupted */
    boolean mustGiveUp(PoolClock clock, long deadline) {
        return thread.isInterrupted() || clock.nanoTime() - deadline >= 0;
    }

    /** Unparks the waiting thread; called after the grant, outside the pool's lock. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** Wakes {@code w} if there is one: the result of a hand-off made under the lock. */
    static void wakeIfAny(Waiter w) {
        if (w != null) {
            w.wake();
        }
    }
}

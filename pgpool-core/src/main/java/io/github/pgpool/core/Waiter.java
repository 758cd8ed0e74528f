package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.util.concurrent.locks.LockSupport;

/**
 * A borrower queued for a connection. The pool grants it either a connection, the right to open one (a slot), or
 * the news that the pool closed, then unparks its thread. Waiters are served in arrival order.
 */
final class Waiter {
    /** Grant meaning "a slot is yours: open a connection". */
    static final Object SLOT = new Object();
    /** Grant meaning "the pool closed while you waited". */
    static final Object CLOSED = new Object();

    final Credentials credentials;
    final Thread thread;
    /** When the borrower started asking, for its MaxWait and the wait statistics. */
    final long start;
    private volatile Object grant;

    Waiter(Credentials credentials, Thread thread, long start) {
        this.credentials = credentials;
        this.thread = thread;
        this.start = start;
    }

    /**
     * Records the grant; called under the pool's lock, once. The caller calls {@link #wake()} after releasing the
     * lock, so the wake-up system call does not lengthen the time others wait for the lock.
     *
     * @return this waiter, to wake
     */
    Waiter grant(Object what) {
        grant = what;
        return this;
    }

    /** Unparks the waiting thread; called after the grant, outside the pool's lock. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** @return the grant, or {@code null} while there is none */
    Object grant() {
        return grant;
    }
}

package io.github.pgpool.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The pool's source of time and its way to wait for a deadline. Injected so that tests can move time by hand: a test
 * clock's {@link #parkUntil} returns when the test advances time past the deadline, with no real waiting.
 */
public interface PoolClock {
    /** The real clock: {@link System#nanoTime()} and {@link LockSupport#parkNanos}. */
    PoolClock SYSTEM = new PoolClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void parkUntil(Object blocker, long deadlineNanos) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining > 0) {
                LockSupport.parkNanos(blocker, remaining);
            }
        }
    };

    /** @return monotonic time in nanoseconds, comparable only with other values of the same clock */
    long nanoTime();

    /**
     * Parks the current thread until {@code deadlineNanos} has passed, it is unparked with
     * {@link LockSupport#unpark}, or it wakes spuriously. Callers re-check their condition in a loop.
     */
    void parkUntil(Object blocker, long deadlineNanos);
}

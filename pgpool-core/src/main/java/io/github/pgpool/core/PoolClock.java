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
        public long recentNanoTime() {
            return RecentTime.SYSTEM.read();
        }

        @Override
        public long recentNanoTimeLag() {
            return 20_000_000L; // ten ticks of RecentTime: its thread may be scheduled late on a busy machine
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
     * A reading of {@link #nanoTime()} that may be a few milliseconds old, for the second-scale checks on the
     * borrow and return path (Expires, Cleanup, ValidateIdle): on virtual machines a precise reading costs as much
     * as a whole borrow. The default is the precise reading, which is what test clocks want.
     */
    default long recentNanoTime() {
        return nanoTime();
    }

    /**
     * How far {@link #recentNanoTime()} may lag behind {@link #nanoTime()} in normal operation; idle times measured
     * from a recent reading get this much slack so that nothing is closed early. The default is 0.
     */
    default long recentNanoTimeLag() {
        return 0;
    }

    /**
     * Parks the current thread until {@code deadlineNanos} has passed, it is unparked with
     * {@link LockSupport#unpark}, or it wakes spuriously. Callers re-check their condition in a loop.
     */
    void parkUntil(Object blocker, long deadlineNanos);
}

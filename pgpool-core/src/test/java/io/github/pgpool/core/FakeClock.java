package io.github.pgpool.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock moved by the test. In manual mode, {@link #parkUntil} blocks until the test advances time past the deadline
 * (or the pool unparks the thread). In auto mode, parking jumps time to the deadline at once, which simulates waits
 * and back-off instantly for single-threaded tests.
 */
final class FakeClock implements PoolClock {
    private volatile long now = 1_000_000_000L;
    private final boolean autoAdvance;
    private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

    private FakeClock(boolean autoAdvance) {
        this.autoAdvance = autoAdvance;
    }

    static FakeClock manual() {
        return new FakeClock(false);
    }

    static FakeClock autoAdvancing() {
        return new FakeClock(true);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void parkUntil(Object blocker, long deadlineNanos) {
        if (autoAdvance) {
            synchronized (this) {
                if (now - deadlineNanos < 0) {
                    now = deadlineNanos;
                }
            }
            return;
        }
        Thread me = Thread.currentThread();
        parked.add(me);
        try {
            // Registered before reading the time: an advance after this point unparks us.
            if (now - deadlineNanos < 0) {
                LockSupport.park(blocker);
            }
        } finally {
            parked.remove(me);
        }
    }

    synchronized void advance(Duration d) {
        now += d.toNanos();
        for (Thread t : parked) {
            LockSupport.unpark(t);
        }
    }
}

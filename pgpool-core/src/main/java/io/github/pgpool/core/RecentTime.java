package io.github.pgpool.core;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A cheap, slightly old reading of {@link System#nanoTime()}: one volatile load instead of a clock read, which costs
 * 60 ns or more on virtual machines (kvm-clock), as much as a whole borrow and return.
 *
 * <p>A daemon thread refreshes the reading every {@value #TICK_MILLIS} ms while someone reads it, and ends itself
 * after about a second without readers, so an idle server keeps no thread awake for it and an undeployed adapter
 * leaves no thread behind. While it is not running, readers get the precise time and start it again.
 *
 * <p>The reading lags by one tick, more if the machine is so loaded that the thread is not scheduled; callers use it
 * only where such a lag is harmless, and check exactly near a limit that must hold (Expires).
 */
final class RecentTime {
    static final RecentTime SYSTEM = new RecentTime();
    static final int TICK_MILLIS = 2;
    private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    /** Ticks without a reader after which the thread ends. */
    private static final int QUIET_TICKS = 500;

    private volatile long now = System.nanoTime();
    /** Whether a thread refreshes {@link #now}; while not, readers read the clock themselves. */
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** Set by readers (only when not yet set, so it costs no write per read), cleared by each tick. */
    private volatile boolean read;

    private RecentTime() {
    }

    long read() {
        if (ticking.get()) {
            if (!read) {
                read = true;
            }
            return now;
        }
        long precise = System.nanoTime();
        if (ticking.compareAndSet(false, true)) {
            now = precise;
            read = true;
            start();
        }
        return precise;
    }

    private void start() {
        Thread t = new Thread(this::tick, "pgpool-clock");
        t.setDaemon(true);
        t.setContextClassLoader(null); // so the thread pins no application's class loader
        try {
            t.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            ticking.set(false); // readers go on with the precise clock
            System.getLogger(RecentTime.class.getName()).log(Level.DEBUG, "pgpool-clock thread not started", e);
        }
    }

    private void tick() {
        int quiet = 0;
        for (;;) {
            LockSupport.parkNanos(this, TICK_NANOS);
            now = System.nanoTime();
            if (read) {
                read = false;
                quiet = 0;
            } else if (++quiet >= QUIET_TICKS) {
                // A reader that saw ticking a moment ago got a reading one tick old; the next one starts a thread.
                ticking.set(false);
                return;
            }
        }
    }
}

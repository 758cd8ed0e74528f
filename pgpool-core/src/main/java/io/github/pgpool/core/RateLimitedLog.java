package io.github.pgpool.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs one kind of event at most once per interval, counting what it held back, so a saturated pool or a database
 * outage produces a few readable warnings instead of thousands.
 */
final class RateLimitedLog {
    private final Logger log;
    private final Level level;
    private final PoolClock clock;
    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, Level level, PoolClock clock, long intervalNanos) {
        this.log = log;
        this.level = level;
        this.clock = clock;
        this.intervalNanos = intervalNanos;
        this.nextAllowed = new AtomicLong(clock.nanoTime());
    }

    /** Logs {@code message} now if the interval has passed since the last one; otherwise counts it. */
    void log(String message, Throwable cause) {
        if (!log.isLoggable(level)) {
            return;
        }
        long now = clock.nanoTime();
        long allowed = nextAllowed.get();
        if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long held = suppressed.getAndSet(0);
        String text = held == 0 ? message : message + " (" + held + " more like this since the last report)";
        if (cause == null) {
            log.log(level, text);
        } else {
            log.log(level, text, cause);
        }
    }
}

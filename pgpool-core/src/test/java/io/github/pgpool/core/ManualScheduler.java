package io.github.pgpool.core;

import java.time.Duration;

/** A scheduler that never runs anything by itself: tests call {@link PgPool#housekeep()} when they want. */
final class ManualScheduler implements Scheduler {
    Duration period;
    boolean cancelled;

    @Override
    public Cancellable scheduleRepeatedly(Runnable task, Duration period) {
        this.period = period;
        return () -> cancelled = true;
    }
}

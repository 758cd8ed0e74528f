package io.github.pgpool.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the pool's housekeeping at a fixed rate. Injected so that tests run housekeeping by hand instead of waiting
 * for a background thread.
 */
public interface Scheduler {
    /**
     * Runs {@code task} every {@code period} until the returned handle is closed.
     *
     * @return a handle whose {@code close()} stops the task; it never throws
     */
    Cancellable scheduleRepeatedly(Runnable task, Duration period);

    /** Stops a scheduled task. */
    @FunctionalInterface
    interface Cancellable extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param threadName the name of the single daemon thread that will run the task, so that thread dumps tell
     *     which pool it belongs to
     * @return a scheduler that runs the task on its own daemon thread and stops the thread when the task is cancelled
     */
    static Scheduler daemonThread(String threadName) {
        return (task, period) -> {
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            long nanos = period.toNanos();
            ScheduledFuture<?> future = executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
            return () -> {
                future.cancel(false);
                executor.shutdownNow();
            };
        };
    }
}

package io.github.pgpool.core;

import io.github.pgpool.api.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The pool's periodic pass: closes idle connections past Cleanup or Expires (or about to meet the server's
 * idle_session_timeout), reports connections held past LeakThreshold, and drops empty partitions of one-off users.
 * It is what makes the pool shrink to nothing when traffic stops.
 *
 * <p>One pass looks under the pool's lock and closes outside it. Thread-safe; the scheduler runs it on one thread,
 * tests call {@link #run()} directly.
 */
final class Housekeeper implements Runnable {
    private final ReentrantLock lock;
    private final PoolBooks books;
    private final ConnectionHealth health;
    private final PoolCounters counters;
    private final Closer closer;
    private final PoolEvents events;
    private final PoolClock clock;
    private final BooleanSupplier poolClosed;
    private final long leakNanos;

    Housekeeper(ReentrantLock lock, PoolBooks books, ConnectionHealth health, PoolCounters counters, Closer closer,
            PoolEvents events, PoolClock clock, BooleanSupplier poolClosed, Duration leakThreshold) {
        this.lock = lock;
        this.books = books;
        this.health = health;
        this.counters = counters;
        this.closer = closer;
        this.events = events;
        this.clock = clock;
        this.poolClosed = poolClosed;
        this.leakNanos = leakThreshold.toNanos();
    }

    /**
     * How often housekeeping runs: a quarter of the shortest enabled limit, so an idle connection is closed at most
     * 25% after its Cleanup time, kept between 50ms and 5s.
     */
    static Duration period(PoolSettings s) {
        long shortest = Long.MAX_VALUE;
        for (Duration d : new Duration[] {s.cleanup(), s.expires(), s.leakThreshold()}) {
            if (!d.isZero()) {
                shortest = Math.min(shortest, d.toMillis());
            }
        }
        long period = shortest == Long.MAX_VALUE ? 5_000 : Math.max(50, Math.min(5_000, shortest / 4));
        return Duration.ofMillis(period);
    }

    @Override
    public void run() {
        List<PooledConnection> toClose;
        List<PooledConnection> leaked = null;
        long now = clock.nanoTime();
        lock.lock();
        try {
            if (poolClosed.getAsBoolean()) {
                return;
            }
            toClose = books.takeDueIdle(pc -> health.reasonToCloseIdle(pc, now), null);
            if (leakNanos > 0) {
                leaked = newlyLeakedLocked(now);
            }
            books.pruneEmptyPartitions();
        } finally {
            lock.unlock();
        }
        closer.closeAll(toClose, 0);
        if (leaked != null) {
            for (PooledConnection pc : leaked) {
                events.leakSuspected(Duration.ofNanos(now - pc.borrowedAt()), pc.borrowedHere());
            }
        }
    }

    /** Connections in use for LeakThreshold or longer that were not yet reported in this loan. */
    private List<PooledConnection> newlyLeakedLocked(long now) {
        List<PooledConnection> leaked = null;
        for (PooledConnection pc : books.all()) {
            if (pc.state() == PooledConnection.State.IN_USE && now - pc.borrowedAt() >= leakNanos
                    && pc.takeLeakReport()) {
                counters.leaked();
                leaked = leaked == null ? new ArrayList<>(2) : leaked;
                leaked.add(pc);
            }
        }
        return leaked;
    }
}

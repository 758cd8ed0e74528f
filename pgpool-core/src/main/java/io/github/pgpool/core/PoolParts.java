package io.github.pgpool.core;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The pieces of one pool that its {@link Lender} and {@link Returns} share, built once by {@link PgPool}: the lock and
 * what it guards, the clock, the health rules, the counters and the events. Only wiring: {@link PoolSide} copies the
 * parts into final fields, so the borrow and return paths read no extra indirection.
 *
 * @param name the pool's name, for statistics snapshots
 * @param maxSize the pool's MaxSize
 * @param lock the pool's one lock, guarding {@code books} and {@code waiters}
 * @param closed whether the pool is closed (a volatile read)
 */
record PoolParts(String name, int maxSize, ReentrantLock lock, BooleanSupplier closed, PoolClock clock,
        PoolBooks books, WaiterQueue waiters, HotLane hotLane, ConnectionHealth health, PoolCounters counters,
        PoolEvents events, Closer closer) {
}

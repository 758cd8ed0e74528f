package io.github.pgpool.core;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * What both sides of a pool, the {@link Lender} and {@link Returns}, work with: the pool's lock and what it guards,
 * the clock, the health rules, the events and the closer, copied from the {@link PoolParts} into final fields so the
 * borrow and return paths read no extra indirection.
 *
 * <p>Immutable wiring; the books and the queue are guarded by {@link #lock}.
 */
abstract class PoolSide {
    final ReentrantLock lock;
    /** Whether the pool is closed: a volatile read. */
    final BooleanSupplier closed;
    final PoolClock clock;
    final PoolBooks books;
    final WaiterQueue waiters;
    final HotLane hotLane;
    final ConnectionHealth health;
    final PoolCounters counters;
    final PoolEvents events;
    final Closer closer;

    PoolSide(PoolParts parts) {
        this.lock = parts.lock();
        this.closed = parts.closed();
        this.clock = parts.clock();
        this.books = parts.books();
        this.waiters = parts.waiters();
        this.hotLane = parts.hotLane();
        this.health = parts.health();
        this.counters = parts.counters();
        this.events = parts.events();
        this.closer = parts.closer();
    }
}

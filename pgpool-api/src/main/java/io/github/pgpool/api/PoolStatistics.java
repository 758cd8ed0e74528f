package io.github.pgpool.api;

import java.time.Duration;

/**
 * A consistent snapshot of a pool's figures. Counts of connections ({@code total}, {@code active}, {@code idle},
 * {@code waiting}) describe the moment of the snapshot; the others are totals since the pool was created.
 *
 * @param poolName the pool's name
 * @param maxSize the configured {@code MaxSize}
 * @param total physical connections open or being opened (never more than {@code maxSize}), including those a pool
 *     this one replaced still holds against its MaxSize (see {@code PgPool.replaceWith})
 * @param active connections lent to borrowers, and those of a replaced pool counted in {@code total}
 * @param idle open connections waiting in the pool
 * @param waiting borrowers waiting for a connection
 * @param created physical connections opened so far
 * @param closedExpired connections closed because they reached {@code Expires}
 * @param closedIdle connections closed because they were idle longer than {@code Cleanup}
 * @param closedBroken connections closed because they failed
 * @param closedEvicted connections closed to make room for other credentials or by an administrator
 * @param closedShutdown connections closed because the pool closed
 * @param connectFailures failed attempts to open a physical connection
 * @param borrows connections handed out so far
 * @param timeouts borrowers that got a {@link PoolTimeoutException}
 * @param leaks connections reported as possible leaks
 * @param waitTimeTotal the sum of the time all borrowers waited
 * @param waitTimeMax the longest time one borrower waited
 */
public record PoolStatistics(
        String poolName,
        int maxSize,
        int total,
        int active,
        int idle,
        int waiting,
        long created,
        long closedExpired,
        long closedIdle,
        long closedBroken,
        long closedEvicted,
        long closedShutdown,
        long connectFailures,
        long borrows,
        long timeouts,
        long leaks,
        Duration waitTimeTotal,
        Duration waitTimeMax) {

    /** @return all connections closed so far, whatever the reason */
    public long closed() {
        return closedExpired + closedIdle + closedBroken + closedEvicted + closedShutdown;
    }

    /** @return the mean time a borrow waited, or zero before the first borrow */
    public Duration waitTimeMean() {
        return borrows == 0 ? Duration.ZERO : waitTimeTotal.dividedBy(borrows);
    }

    /**
     * @param reason a close reason
     * @return how many connections were closed for that reason
     */
    public long closed(CloseReason reason) {
        switch (reason) {
            case EXPIRED:
                return closedExpired;
            case IDLE:
                return closedIdle;
            case BROKEN:
                return closedBroken;
            case EVICTED:
                return closedEvicted;
            case SHUTDOWN:
                return closedShutdown;
            default:
                throw new AssertionError(reason);
        }
    }
}

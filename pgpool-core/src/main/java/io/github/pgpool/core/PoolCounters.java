package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.PoolStatistics;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's running totals and the {@link PoolStatistics} snapshot made of them.
 *
 * <p>Mostly lock-guarded: the totals changed where the pool holds its lock anyway (connections opened and closed,
 * waits) are plain fields written under it. Connect failures and timeouts happen outside the lock, so they are
 * counted with adders instead of taking the lock just to count.
 */
final class PoolCounters {
    private long created;
    private final long[] closedBy = new long[CloseReason.values().length];
    /** Loans of connections already closed; those of open ones are counted on each connection. */
    private long retiredLoans;
    private long leaks;
    private long waitTotalNanos;
    private long waitMaxNanos;
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    /** A connection was opened and put on the books. Under the lock. */
    void opened() {
        created++;
    }

    /** A connection left the books for {@code reason} after {@code loans} loans. Under the lock. */
    void closed(CloseReason reason, long loans) {
        closedBy[reason.ordinal()]++;
        retiredLoans += loans;
    }

    /** A borrower got a connection after waiting {@code nanos} (0 or less: it did not wait). Under the lock. */
    void waited(long nanos) {
        if (nanos > 0) {
            waitTotalNanos += nanos;
            if (nanos > waitMaxNanos) {
                waitMaxNanos = nanos;
            }
        }
    }

    /** A connection held past LeakThreshold was reported. Under the lock. */
    void leaked() {
        leaks++;
    }

    /** Opening a connection failed. Any thread, no lock needed. */
    void connectFailed() {
        connectFailures.increment();
    }

    /** A borrower ran out of MaxWait. Any thread, no lock needed. */
    void timedOut() {
        timeouts.increment();
    }

    /**
     * A snapshot of the pool's figures, made under the lock. The counts of connections, slots and waiters are
     * consistent with each other; a connection lent or given back without the lock at this very moment is counted
     * as it was at the instant its state was read, and so are its loans.
     */
    PoolStatistics snapshot(String name, int maxSize, PoolBooks books, int waiting) {
        int idle = books.countIdle();
        int listedConnections = books.connections();
        // The connections a replaced pool still holds against this one's MaxSize count as in use here: they are
        // open, on this PoolName's database, and they are why a borrower may wait (a timeout message must say so).
        int inherited = books.inherited();
        return new PoolStatistics(name, maxSize, books.total() + inherited, listedConnections - idle + inherited, idle,
                waiting, created,
                closedBy[CloseReason.EXPIRED.ordinal()], closedBy[CloseReason.IDLE.ordinal()],
                closedBy[CloseReason.BROKEN.ordinal()], closedBy[CloseReason.EVICTED.ordinal()],
                closedBy[CloseReason.SHUTDOWN.ordinal()], connectFailures.sum(), retiredLoans + books.sumLoans(),
                timeouts.sum(), leaks, Duration.ofNanos(waitTotalNanos), Duration.ofNanos(waitMaxNanos));
    }
}

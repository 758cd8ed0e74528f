package io.github.pgpool.api;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * No connection could be had within {@code MaxWait}. The message carries the pool name, the time waited and the
 * pool's counts at that moment; the last failure to open a connection, if any, is chained as the cause. Being a
 * {@link SQLTransientConnectionException}, it tells the application that trying again later may succeed.
 */
public final class PoolTimeoutException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    /** SQLState class 08 (connection exception), "SQL client unable to establish SQL connection". */
    public static final String SQL_STATE = "08001";

    private final String poolName;
    private final Duration waited;
    private final PoolStatistics statistics;

    /**
     * @param poolName the pool's name
     * @param waited how long the borrower waited
     * @param statistics the pool's figures when the wait ended
     * @param lastFailure the last error from opening a connection, or {@code null}
     */
    public PoolTimeoutException(String poolName, Duration waited, PoolStatistics statistics, Throwable lastFailure) {
        super(message(poolName, waited, statistics, lastFailure), SQL_STATE, lastFailure);
        this.poolName = poolName;
        this.waited = waited;
        this.statistics = statistics;
    }

    private static String message(String poolName, Duration waited, PoolStatistics s, Throwable lastFailure) {
        return "pgpool " + poolName + ": no connection available after waiting " + waited.toMillis() + "ms (MaxWait)"
                + " - total=" + s.total() + ", active=" + s.active() + ", idle=" + s.idle()
                + ", waiting=" + s.waiting() + ", maxSize=" + s.maxSize()
                + (lastFailure == null ? "" : "; last connection failure: " + lastFailure.getMessage());
    }

    /** @return the name of the pool that timed out */
    public String poolName() {
        return poolName;
    }

    /** @return how long the borrower waited */
    public Duration waited() {
        return waited;
    }

    /** @return the pool's figures when the wait ended */
    public PoolStatistics statistics() {
        return statistics;
    }
}

package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolClosedException;
import io.github.pgpool.api.PoolListener;
import io.github.pgpool.api.PoolSetting;
import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.api.PoolStatistics;
import io.github.pgpool.api.PoolTimeoutException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Tells the world what a pool does: the application's {@link PoolListener}, the operators' log and every message
 * text the engine produces. What operators must see (timeouts, broken connections, reaching MaxSize) is logged at
 * most once per interval with a count of what was held back, so an outage gives a few readable lines.
 *
 * <p>Lock-free and thread-safe; never called under the pool's lock (listeners and loggers are foreign code).
 */
final class PoolEvents {
    /** The engine's one logger; operators know it by the pool's class name. */
    static final System.Logger LOG = System.getLogger("io.github.pgpool.core.PgPool");
    private static final long TEN_SECONDS = 10_000_000_000L;
    private static final PoolListener NOBODY = new PoolListener() {
    };

    private final String pool;
    private final PoolListener listener;
    /** Whether a listener was given: saves the per-borrow event (and its Duration) when nobody listens. */
    private final boolean notifyBorrows;
    private final RateLimitedLog timeoutLog;
    private final RateLimitedLog brokenLog;
    private final RateLimitedLog fullLog;
    private final PoolMetrics metrics = new PoolMetrics();

    /** @param listener the application's listener, or {@code null} */
    PoolEvents(String pool, PoolListener listener, PoolClock clock) {
        this.pool = pool;
        this.listener = listener == null ? NOBODY : listener;
        this.notifyBorrows = listener != null;
        this.timeoutLog = new RateLimitedLog(LOG, Level.WARNING, clock, TEN_SECONDS);
        this.brokenLog = new RateLimitedLog(LOG, Level.WARNING, clock, TEN_SECONDS);
        this.fullLog = new RateLimitedLog(LOG, Level.INFO, clock, 6 * TEN_SECONDS);
    }

    /** The pool started: its limits, and once each, the combinations of settings that cannot do what was meant. */
    void started(PoolSettings s) {
        LOG.log(Level.INFO, "pgpool {0} created: MaxSize={1}, MaxWait={2}, Expires={3}, Cleanup={4}", pool,
                s.maxSize(), s.text(PoolSetting.MAX_WAIT), s.text(PoolSetting.EXPIRES), s.text(PoolSetting.CLEANUP));
        for (String warning : s.warnings()) {
            LOG.log(Level.WARNING, "pgpool {0}: {1}", pool, warning);
        }
    }

    /** A read-only error on a pool that targets the primary: its connections are let go. */
    void demotionSeen() {
        LOG.log(Level.WARNING, "pgpool {0}: the server refused a write as read-only (SQLState 25006) although the "
                + "pool targets the primary; it was demoted, so every connection is replaced", pool);
    }

    /** The pool is used for XA, and its server cannot prepare transactions (see {@link XaReadiness}). */
    void noPreparedTransactions() {
        LOG.log(Level.WARNING, XaReadiness.warning(pool));
    }

    void stopped() {
        LOG.log(Level.INFO, "pgpool {0} closed", pool);
    }

    /** @return the recorder of the pool's create, wait and use times */
    PoolMetrics metrics() {
        return metrics;
    }

    /** A borrower got a connection after waiting {@code waitedNanos}. */
    void borrowed(long waitedNanos) {
        metrics.waited(waitedNanos);
        if (notifyBorrows) {
            listener.borrowed(pool, waitedNanos <= 0 ? Duration.ZERO : Duration.ofNanos(waitedNanos));
        }
    }

    void reachedMaxSize(int maxSize) {
        fullLog.log("pgpool " + pool + " has grown to MaxSize=" + maxSize
                + " connections; further requests wait up to MaxWait", null);
    }

    /** A borrower gave a connection back after holding it {@code heldNanos} (coarse clock). */
    void returned(long heldNanos) {
        metrics.used(heldNanos);
    }

    /** One attempt opened a connection in {@code nanos}; {@link #connectionOpened} follows once it is on the books. */
    void connected(long nanos) {
        metrics.created(nanos);
    }

    void connectionOpened(Credentials credentials) {
        listener.connectionCreated(pool, credentials);
        LOG.log(Level.DEBUG, "pgpool {0}: opened a connection for {1}", pool, credentials.user());
    }

    /** An attempt to open a connection failed; {@code retrying} says whether the borrower tries again. */
    void connectFailed(SQLException failure, boolean retrying) {
        listener.connectionFailed(pool, failure);
        if (retrying) {
            LOG.log(Level.DEBUG, "pgpool {0}: opening a connection failed, retrying: {1}", pool, failure.getMessage());
        }
    }

    /** Wraps what a connection factory threw unchecked, so the borrower gets an SQLException. */
    SQLException connectCrashed(RuntimeException e) {
        return new SQLTransientConnectionException("pgpool " + pool + ": opening a connection failed", "08001", e);
    }

    void connectionClosed(CloseReason reason) {
        if (reason == CloseReason.BROKEN) {
            brokenLog.log("pgpool " + pool + ": closed a broken connection (fatal error, failed check or failed "
                    + "reset); idle connections are checked before reuse", null);
        }
        listener.connectionClosed(pool, reason);
        LOG.log(Level.DEBUG, "pgpool {0}: closed a connection ({1})", pool, reason);
    }

    void closeFailed(Exception e) {
        LOG.log(Level.DEBUG, "pgpool {0}: closing a connection failed: {1}", pool, e.getMessage());
    }

    void validityCheckFailed(Exception e) {
        LOG.log(Level.DEBUG, "pgpool {0}: validity check failed: {1}", pool, e.getMessage());
    }

    void resetFailed(Exception e) {
        LOG.log(Level.DEBUG, "pgpool {0}: cleaning a returned connection failed, closing it: {1}", pool,
                e.getMessage());
    }

    /** Builds, logs and announces the exception of a borrower that ran out of MaxWait. */
    PoolTimeoutException timedOut(long waitedNanos, PoolStatistics snapshot, Throwable lastFailure) {
        PoolTimeoutException e = new PoolTimeoutException(pool, Duration.ofNanos(Math.max(0, waitedNanos)), snapshot,
                lastFailure);
        timeoutLog.log(e.getMessage(), null);
        listener.timedOut(pool, e);
        return e;
    }

    SQLException interrupted() {
        return new SQLTransientConnectionException("pgpool " + pool + ": interrupted while waiting for a connection",
                "08001");
    }

    PoolClosedException closedException() {
        return new PoolClosedException(pool);
    }

    IllegalStateException releasedTwice() {
        return new IllegalStateException("pgpool " + pool + ": connection released twice");
    }

    void leakSuspected(Duration held, Throwable where) {
        LOG.log(Level.WARNING, "pgpool " + pool + ": a connection has been held for " + held.toMillis()
                + "ms (LeakThreshold) and may have leaked; it was borrowed here:", where);
        listener.leakSuspected(pool, held, where);
    }
}

package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the open handles of a managed connection that the server destroyed outside any transaction go on with: the
 * lease (or, if none was taken yet, one borrowed on first use), until the last of them is closed, or until a grace
 * period ran out. Payara destroys every managed connection of a pool, those in use included, when an administrator
 * changes a property ({@code asadmin set}, which re-creates the pool) or flushes the pool; a request running at that
 * moment then finishes normally instead of failing, and its physical connection goes back when it closes its handle
 * (to a retired pool, which closes it). A handle never closed (a leak) cannot hold the connection longer than the
 * grace: then the connection is closed as broken, as a plain destroy would have closed it at once.
 *
 * <p>Thread-safe: handles close on their own threads, the grace timer on its own; this object's monitor guards the
 * lease.
 */
final class OrphanedLease {
    private static final System.Logger LOG = System.getLogger(OrphanedLease.class.getName());
    /** One daemon thread for every adapter instance, only while an orphan waits; it ends itself when idle. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final PgPoolManagedConnectionFactory factory;
    private final Credentials credentials;
    private final ScheduledFuture<?> deadline;
    private PooledConnection lease;
    private int openHandles;
    private boolean ended;

    /**
     * @param lease the destroyed managed connection's lease, or {@code null} if it had none yet
     * @param openHandles how many handles go on with it
     * @param grace how long they may, at most
     */
    private OrphanedLease(PgPoolManagedConnectionFactory factory, Credentials credentials, PooledConnection lease,
            int openHandles, Duration grace) {
        this.factory = factory;
        this.credentials = credentials;
        this.lease = lease;
        this.openHandles = openHandles;
        this.deadline = TIMER.schedule(this::graceRanOut, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Gives {@code handles} a lease of their own for at most the pool's MaxWait.
     *
     * @param lease the destroyed managed connection's lease, or {@code null} if it had none yet
     */
    static void adopt(PgPoolManagedConnectionFactory factory, Credentials credentials, PooledConnection lease,
            List<PgPoolConnection> handles) {
        Duration grace;
        try {
            grace = factory.settings().maxWait();
        } catch (ResourceException e) {
            grace = Duration.ZERO; // cannot happen: the managed connection was made with valid settings
        }
        OrphanedLease orphaned = new OrphanedLease(factory, credentials, lease, handles.size(), grace);
        for (PgPoolConnection h : handles) {
            h.orphan(orphaned);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "pgpool-orphaned-leases");
            thread.setDaemon(true);
            return thread;
        });
        t.setKeepAliveTime(1, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** @return the lease, borrowed now if the managed connection had none */
    PooledConnection lease() throws SQLException {
        synchronized (this) {
            if (lease != null || ended) {
                return current();
            }
        }
        // Borrowed without the monitor: the wait (up to MaxWait) must not block the other handles or the grace timer.
        PooledConnection fresh = factory.borrow(credentials);
        synchronized (this) {
            if (lease == null && !ended) {
                lease = fresh;
                return fresh;
            }
        }
        fresh.release(); // another handle leased meanwhile, or the grace ran out
        synchronized (this) {
            return current();
        }
    }

    /** Caller holds the monitor. @return the lease, or the failure of a handle that outlived its grace */
    private PooledConnection current() throws SQLException {
        if (ended || lease == null) {
            throw new SQLNonTransientConnectionException("pgpool: this connection handle outlived the managed "
                    + "connection the application server destroyed by more than its grace (MaxWait)", "08003");
        }
        return lease;
    }

    /** One of the handles was closed; the last one gives the lease back. */
    void handleClosed() {
        PooledConnection toRelease;
        synchronized (this) {
            if (ended || --openHandles > 0) {
                return;
            }
            ended = true;
            toRelease = lease;
            lease = null;
        }
        deadline.cancel(false);
        if (toRelease != null) {
            toRelease.release();
        }
    }

    /** A handle was never closed within the grace: its connection is closed, a call may still run on it. */
    private void graceRanOut() {
        PooledConnection toClose;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            toClose = lease;
            lease = null;
        }
        if (toClose != null) {
            LOG.log(Level.WARNING, "pgpool: a connection handle stayed open past MaxWait after the application "
                    + "server destroyed its managed connection; its PostgreSQL connection is closed");
            toClose.markBroken();
            toClose.release();
        }
    }
}

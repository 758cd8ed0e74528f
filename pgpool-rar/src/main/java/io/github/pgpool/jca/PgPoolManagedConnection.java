package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolTimeoutException;
import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.IllegalStateException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import jakarta.resource.spi.SecurityException;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * A managed connection that holds no PostgreSQL connection of its own: it leases a {@link PooledConnection} from its
 * factory's pool when first needed (a JDBC call on a handle, XA start, local begin) and gives it back as soon as no
 * handle is open and no transaction is pending, at the latest in {@link #cleanup()} or {@link #destroy()}. So the
 * application server may keep as many managed connections as it likes; pgpool's MaxSize bounds the real ones.
 *
 * <p>Thread-safety: state changes happen under this object's monitor (the transaction manager and the application
 * may call from different threads); a handle reads the current lease without locking.
 */
public final class PgPoolManagedConnection implements ManagedConnection {
    private static final System.Logger LOG = System.getLogger(PgPoolManagedConnection.class.getName());

    private final PgPoolManagedConnectionFactory factory;
    private final Credentials credentials;

    /** The leased connection, or null. Written under the monitor; read by handles without it. */
    private volatile PooledConnection lease;
    /** Refuses handle work after the transaction's end and keeps a transaction's connection out of autocommit. */
    private final BranchGuard guard = new BranchGuard(this);
    private final ConnectionListeners listeners = new ConnectionListeners();
    // Guarded by this.
    private final OpenHandles handles = new OpenHandles();
    private PgPoolXAResource xaResource;
    private PgPoolLocalTransaction localTransaction;
    private boolean destroyed;
    /**
     * Whether a transaction ended on this managed connection since the server last cleaned it up: a handle still
     * open then is one WildFly reclaims on purpose (IJ000315), not a request that must finish. Under the monitor.
     */
    private boolean transactionEnded;
    private PrintWriter logWriter;

    PgPoolManagedConnection(PgPoolManagedConnectionFactory factory, Credentials credentials) {
        this.factory = factory;
        this.credentials = credentials;
    }

    PgPoolManagedConnectionFactory factory() {
        return factory;
    }

    Credentials credentials() {
        return credentials;
    }

    // ---- Handles -----------------------------------------------------------------------------------------------

    /**
     * Creates a handle. It leases nothing yet. Only requests with this managed connection's credentials are served:
     * pgpool does not re-authenticate.
     */
    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if ((subject != null || info != null) && !factory.credentials(subject, info).equals(credentials)) {
            throw new SecurityException("pgpool does not re-authenticate: this managed connection belongs to user '"
                    + credentials.user() + "'");
        }
        PgPoolConnection handle = new PgPoolConnection(this);
        synchronized (this) {
            if (!destroyed) {
                handles.add(handle);
                return handle;
            }
        }
        // Payara hands out a managed connection its admin thread destroyed a moment before (a pool re-created by
        // asadmin set destroys busy entries too): the request goes on with a lease of its own, like the handles
        // open at the destroy (see OrphanedLease), instead of failing. This managed connection holds no backend.
        OrphanedLease.adopt(factory, credentials, null, List.of(handle));
        return handle;
    }

    /**
     * Moves a handle from the managed connection it belongs to now onto this one. If the handle was the only user of
     * its old lease and this managed connection has none, the lease moves with it, so the handle keeps its physical
     * connection and open statements. Otherwise the handle's statements are closed: they belong to a physical
     * connection the handle no longer uses.
     */
    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof PgPoolConnection)) {
            throw new ResourceException("pgpool: cannot associate " + (connection == null ? "null"
                    : connection.getClass().getName()) + "; expected a PgPoolConnection");
        }
        PgPoolConnection handle = (PgPoolConnection) connection;
        PgPoolManagedConnection previous = handle.managedConnection();
        if (previous == this) {
            return;
        }
        if (!previous.credentials.equals(credentials)) {
            throw new SecurityException("pgpool: cannot move a handle of user '" + previous.credentials.user()
                    + "' to a managed connection of user '" + credentials.user() + "'");
        }
        boolean canTakeLease;
        synchronized (this) {
            if (destroyed) {
                throw new IllegalStateException("pgpool: this managed connection was destroyed");
            }
            canTakeLease = lease == null && !transactionPending();
        }
        // One monitor at a time: two server threads moving handles in opposite directions cannot deadlock.
        PooledConnection carried = previous.detach(handle, canTakeLease);
        synchronized (this) {
            if (carried != null && lease == null && !destroyed) {
                lease = carried;
            } else if (carried != null) {
                carried.release(); // this managed connection changed meanwhile: start afresh
                carried = null;
            }
            if (carried == null) {
                handle.closeStatementsOnMove();
            }
            handle.moveTo(this);
            handles.add(handle);
        }
    }

    /**
     * Removes a handle moving to another managed connection.
     *
     * @param handOver whether the target can take this lease
     * @return this managed connection's lease if the handle was its only user and it is handed over, else null
     */
    private synchronized PooledConnection detach(PgPoolConnection handle, boolean handOver) {
        handles.remove(handle);
        PooledConnection l = lease;
        // A fenced lease stays: the fence belongs to this managed connection's transaction, not to the target's.
        if (handOver && l != null && handles.isEmpty() && !transactionPending() && guard.quiet() && !destroyed) {
            lease = null;
            return l;
        }
        releaseIfUnused();
        return null;
    }

    /** Called by a handle the application closed: tells every listener, then gives the lease back if unused. */
    void handleClosed(PgPoolConnection handle) {
        synchronized (this) {
            handles.remove(handle);
        }
        fire(ConnectionEvent.CONNECTION_CLOSED, handle, null);
        synchronized (this) {
            releaseIfUnused();
        }
    }

    /** Called by a handle whose call failed with a fatal SQLState; the server then destroys this connection. */
    void handleFailed(PgPoolConnection handle, SQLException error) {
        fire(ConnectionEvent.CONNECTION_ERROR_OCCURRED, handle, error);
    }

    /** Fires a local transaction event for a transaction the application demarcated through a handle. */
    void applicationTransactionEvent(PgPoolConnection handle, int eventId) {
        if (handle.isOrphaned()) {
            return; // the server destroyed this managed connection: its listeners expect nothing more of it
        }
        fire(eventId, handle, null);
    }

    // ---- Leases ------------------------------------------------------------------------------------------------

    /**
     * @return the leased connection, leasing one first if needed; the fast path (no transaction) takes no lock;
     *     null if the server orphaned {@code handle} (see {@link OrphanedLease}) or it was closed meanwhile
     * @throws SQLException also if the handle must not work now: its transaction ended, timed out or was marked
     *     rollback-only (see {@link BranchGuard})
     */
    PooledConnection leaseForHandle(PgPoolConnection handle) throws SQLException {
        PooledConnection l = lease;
        if (l != null && guard.quiet()) {
            return l;
        }
        guard.check();
        l = lease;
        if (l != null) {
            return l;
        }
        leaseAhead(handle);
        synchronized (this) {
            // The server's thread may have orphaned or closed the handle (cleanup or destroy, under this monitor)
            // after the handle looked: it then goes on with its orphaned lease, or fails, not with this one's.
            return handle.isOrphaned() || handle.isClosed() ? null : leaseSlow();
        }
    }

    /**
     * Leases, if this managed connection has no lease yet, without holding its monitor while the pool makes the
     * caller wait (up to MaxWait): meanwhile the server can still clean up or destroy it, and on JDK 21-23 a virtual
     * thread waiting under a monitor would pin its carrier. Called before the monitor-held step that needs the
     * lease ({@link #leaseSlow()} then finds it). A lease that is not wanted any more when it comes (another thread
     * leased meanwhile, the managed connection was destroyed, or {@code handle} was orphaned or closed) goes straight
     * back.
     *
     * @param handle the handle that needs the lease, or {@code null} for a transaction start
     */
    void leaseAhead(PgPoolConnection handle) throws SQLException {
        synchronized (this) {
            if (lease != null || destroyed) {
                return; // leaseSlow reports a destroyed managed connection
            }
        }
        PooledConnection fresh = borrowForLease();
        synchronized (this) {
            if (lease == null && !destroyed && (handle == null || !handle.isOrphaned() && !handle.isClosed())) {
                lease = fresh;
                return;
            }
        }
        fresh.release();
    }

    /** Borrows for this managed connection's lease; a pool timeout is remembered for the rest of the allocation. */
    private PooledConnection borrowForLease() throws SQLException {
        SQLException earlier = LeaseFailures.timeoutSoFar();
        if (earlier != null) {
            throw earlier; // the server retries its allocation: do not make the application wait twice
        }
        try {
            return factory.borrow(credentials);
        } catch (PoolTimeoutException e) {
            LeaseFailures.record(e);
            throw e;
        }
    }

    /** @return the guard the XA resource and the local transaction report transaction boundaries to */
    BranchGuard guard() {
        return guard;
    }

    /** Caller holds the monitor. @return whether an application handle is open on this managed connection */
    boolean handlesOpen() {
        return !handles.isEmpty();
    }

    /**
     * @return the leased connection, leasing one first if needed (caller may hold the monitor; call
     *     {@link #leaseAhead} first, so that no wait happens under it)
     */
    synchronized PooledConnection leaseSlow() throws SQLException {
        if (lease == null) {
            if (destroyed) {
                throw new SQLNonTransientConnectionException("pgpool: the managed connection was destroyed", "08003");
            }
            lease = borrowForLease(); // the lease taken ahead went back meanwhile (another thread's release)
        }
        return lease;
    }

    /** @return the current lease without leasing, or null */
    PooledConnection currentLease() {
        return lease;
    }

    /** Borrows an extra connection for one recovery call; the caller releases it. */
    PooledConnection borrowSpare() throws SQLException {
        return factory.borrow(credentials);
    }

    /** A transaction (XA branch or container local transaction) ended: give the lease back if no handle is open. */
    synchronized void transactionCompleted() {
        transactionEnded = true;
        releaseIfUnused();
    }

    /** Caller holds the monitor. */
    private void releaseIfUnused() {
        if (handles.isEmpty() && !transactionPending()) {
            releaseLease();
        }
    }

    /** Caller holds the monitor. */
    boolean transactionPending() {
        return (xaResource != null && xaResource.pending())
                || (localTransaction != null && localTransaction.active());
    }

    /**
     * @return whether a transaction manager controls the current transaction (an XA branch or a container local
     *     transaction), so the application must not commit, roll back or switch autocommit on
     */
    synchronized boolean inManagedTransaction() {
        return transactionPending();
    }

    /** Caller holds the monitor. Gives the lease back clean: an unfinished branch or local transaction is undone. */
    private void releaseLease() {
        PooledConnection l = lease;
        if (l == null) {
            return;
        }
        lease = null;
        if (xaResource != null) {
            xaResource.abandon(l);
        }
        if (localTransaction != null) {
            localTransaction.abandon();
        }
        guard.released(l);
        try {
            l.release(); // rolls back and cleans the session
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pgpool: giving a connection back failed: " + e.getMessage(), e);
        }
    }

    /** @return whether the leased connection failed fatally (the server should destroy this managed connection) */
    boolean isBroken() {
        PooledConnection l = lease;
        return l != null && l.isBroken();
    }

    // ---- Life cycle --------------------------------------------------------------------------------------------

    /**
     * Invalidates every open handle and gives the lease back unless a transaction is still pending (it is then
     * given back when the transaction completes). Idempotent. Handles of requests still running on other threads
     * outside a transaction go on instead, see {@link #destroy()}.
     */
    @Override
    public synchronized void cleanup() {
        boolean orphan = mayOrphanHandles();
        transactionEnded = false;
        if (orphan) {
            orphanHandles(lease);
            return;
        }
        handles.invalidateAll();
        if (!destroyed && !transactionPending()) {
            releaseLease();
        }
    }

    /**
     * Invalidates every handle and gives the lease back; an unfinished branch is rolled back first. If a handle was
     * still open (the server is forcibly reclaiming this connection, for example on a flush or after an error), a
     * call may still be running on the leased connection in another thread: it is then closed rather than pooled,
     * so it can never reach another borrower mid-call. Outside a transaction (none pending, none ended since the last
     * cleanup), with a lease that did not fail, the open handles go on instead (see {@link OrphanedLease}): Payara
     * destroys the managed connections in use when an administrator changes the pool, and the requests running on
     * them must not fail for that.
     */
    @Override
    public synchronized void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        PooledConnection l = lease;
        if (mayOrphanHandles()) {
            orphanHandles(l);
            return;
        }
        if (l != null && !handles.isEmpty()) {
            l.markBroken();
        }
        handles.invalidateAll();
        releaseLease();
    }

    /**
     * Caller holds the monitor. Whether the server is taking this managed connection away from requests still
     * running on other threads, outside any transaction, on a healthy lease: Payara's pool kill on a property change
     * ({@code asadmin set}), a flush, or an undeployment calls cleanup() and destroy() from the admin thread on
     * managed connections in use. Not when the request's own thread reclaims a handle it left open (Payara at the end
     * of a request: the lease goes back at once), nor after a transaction ended (WildFly's IJ000315).
     */
    private boolean mayOrphanHandles() {
        if (transactionPending() || transactionEnded) {
            return false;
        }
        PooledConnection l = lease;
        return (l == null || !l.isBroken()) && handles.allOpenedElsewhere();
    }

    /** Caller holds the monitor. Hands the lease (or none yet) over to the open handles. */
    private void orphanHandles(PooledConnection l) {
        lease = null;
        if (l != null) {
            guard.released(l);
        }
        handles.orphanAll(factory, credentials, l);
    }

    // ---- Events ------------------------------------------------------------------------------------------------

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    private void fire(int id, PgPoolConnection handle, Exception error) {
        listeners.fire(this, id, handle, error);
    }

    // ---- Transactions and metadata -----------------------------------------------------------------------------

    /** @return the XA resource of this managed connection: one stable facade over whatever connection is leased */
    @Override
    public synchronized XAResource getXAResource() {
        if (xaResource == null) {
            xaResource = new PgPoolXAResource(this);
        }
        return xaResource;
    }

    /** @return the local transaction the server drives when the pool is configured for LocalTransaction */
    @Override
    public synchronized LocalTransaction getLocalTransaction() {
        if (localTransaction == null) {
            localTransaction = new PgPoolLocalTransaction(this);
        }
        return localTransaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new PgPoolManagedConnectionMetaData(credentials.user(), lease);
    }

    @Override
    public synchronized void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public synchronized PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public String toString() {
        return "PgPoolManagedConnection{user=" + credentials.user() + ", leased=" + (lease != null) + "}";
    }
}

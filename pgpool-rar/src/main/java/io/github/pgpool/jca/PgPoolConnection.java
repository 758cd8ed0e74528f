package io.github.pgpool.jca;

import io.github.pgpool.core.ConnectionHandle;
import io.github.pgpool.core.PooledConnection;
import jakarta.resource.spi.ConnectionEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.Executor;

/**
 * The {@link Connection} an application gets from {@link PgPoolDataSource}: a handle on a
 * {@link PgPoolManagedConnection}, which leases the PostgreSQL connection on the handle's first call.
 *
 * <p>While a transaction manager controls the transaction (an XA branch, or a container local transaction) the
 * handle refuses commit, rollback, setAutoCommit(true) and savepoints. Outside one, when the application demarcates
 * a local transaction itself, the managed connection's listeners are told: LOCAL_TRANSACTION_STARTED when autocommit
 * is switched off, COMMITTED on commit (or on switching autocommit back on), ROLLEDBACK on rollback.
 *
 * <p>Closing the handle closes its statements and tells every listener (CONNECTION_CLOSED); after that, and after the
 * server cleaned up or destroyed the managed connection, every call fails with SQLState 08003.
 *
 * <p>Every call (statements' included) first asks the managed connection whether the handle may work: once its
 * transaction has ended, timed out or been marked rollback-only it refuses (SQLState 40000 or 25000, see
 * {@link BranchGuard}) until the thread has left that transaction, the server enlists it again, or it is closed.
 */
public final class PgPoolConnection extends ConnectionHandle implements Connection {
    /** Changes only when the server re-associates the handle; read on every call. */
    private volatile PgPoolManagedConnection managedConnection;
    /** Whether the server, not the application, closed this handle (its message says so). */
    private volatile boolean closedByServer;
    /** Set when the server destroyed the managed connection while this handle was open outside a transaction. */
    private volatile OrphanedLease orphan;

    /** The thread that got this handle: the request using it, as far as pgpool can tell. */
    private final Thread opener = Thread.currentThread();

    PgPoolConnection(PgPoolManagedConnection managedConnection) {
        this.managedConnection = managedConnection;
    }

    /** @return whether the current thread is not the one that got this handle */
    boolean openedElsewhere() {
        return opener != Thread.currentThread();
    }

    PgPoolManagedConnection managedConnection() {
        return managedConnection;
    }

    void moveTo(PgPoolManagedConnection target) {
        this.managedConnection = target;
    }

    /** Leases now, so that a pool timeout surfaces in {@code getConnection()}. */
    void leaseNow() throws SQLException {
        lease();
    }

    /** The handle moved to a managed connection with another physical connection: its statements are stale. */
    void closeStatementsOnMove() {
        closeStatements();
    }

    /** The server cleaned up or destroyed the managed connection: this handle is dead from now on. */
    void invalidateByContainer() {
        closedByServer = !isClosed();
        closeStatements();
        invalidate();
    }

    /**
     * The server destroyed the managed connection outside a transaction while this handle was open: the handle goes
     * on with {@code lease} (see {@link OrphanedLease}) and no longer talks to the managed connection.
     */
    void orphan(OrphanedLease lease) {
        this.orphan = lease;
    }

    /**
     * @throws SQLException 08003 if the handle is closed; from {@link PgPoolManagedConnection#leaseForHandle} if
     *     the handle must not work now (its transaction ended, timed out or was marked rollback-only)
     */
    @Override
    protected PooledConnection lease() throws SQLException {
        checkUsable();
        OrphanedLease o = orphan;
        if (o == null) {
            PooledConnection l = managedConnection.leaseForHandle(this);
            if (l != null) {
                return l;
            }
            // Orphaned or closed while it waited for a connection: leaseForHandle said so under the monitor.
            o = orphan;
            if (o == null) {
                checkUsable();
                throw new SQLNonTransientConnectionException("pgpool: the connection handle is closed", "08003");
            }
        }
        return o.lease();
    }

    /** @throws SQLException 08003 if the server or the application closed this handle */
    private void checkUsable() throws SQLException {
        if (closedByServer) {
            throw new SQLNonTransientConnectionException("pgpool: the application server closed this connection "
                    + "handle when it cleaned up or destroyed the managed connection behind it (WildFly does so "
                    + "for a handle still open when its transaction ends, IJ000315, unless the connection "
                    + "definition sets tracking=false)", "08003");
        }
        checkOpen();
    }

    /** @return whether the server destroyed or cleaned up the managed connection and this handle went on alone */
    boolean isOrphaned() {
        return orphan != null;
    }

    /** @return false also while the handle must not work (see {@link #lease()}), instead of throwing */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0 || isClosed()) {
            return super.isValid(timeout);
        }
        try {
            lease();
        } catch (SQLException refused) {
            return false;
        }
        return super.isValid(timeout);
    }

    /** Marks the physical connection broken and closes the handle, even while the handle must not work. */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (isClosed()) {
            return;
        }
        PooledConnection l = managedConnection.currentLease();
        if (l != null) {
            l.markBroken();
        }
        close();
    }

    @Override
    protected void closed() {
        OrphanedLease o = orphan;
        if (o != null) {
            o.handleClosed(); // the destroyed managed connection has no listeners to tell any more
        } else {
            managedConnection.handleClosed(this);
        }
    }

    @Override
    protected void beforeTransactionControl(String operation) throws SQLException {
        if (orphan == null && managedConnection.inManagedTransaction()) {
            throw refused(operation);
        }
    }

    @Override
    protected void fatalError(SQLException e) {
        if (orphan != null) {
            return; // its lease marked itself broken; the destroyed managed connection has no listeners any more
        }
        managedConnection.handleFailed(this, e);
    }

    /**
     * Inside a managed transaction, switching autocommit off is a no-op (the transaction manager already did) and
     * switching it on is refused; outside one, a change is reported to the listeners as a local transaction event.
     */
    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        PooledConnection lease = lease();
        PgPoolManagedConnection mc = managedConnection;
        if (mc.inManagedTransaction()) {
            if (autoCommit) {
                throw refused("setAutoCommit(true)");
            }
            return;
        }
        boolean was;
        try {
            was = lease.connection().getAutoCommit();
            lease.connection().setAutoCommit(autoCommit);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
        if (was != autoCommit) {
            // Switching autocommit on commits the open transaction (JDBC rule).
            mc.applicationTransactionEvent(this, autoCommit ? ConnectionEvent.LOCAL_TRANSACTION_COMMITTED
                    : ConnectionEvent.LOCAL_TRANSACTION_STARTED);
        }
    }

    /**
     * @return false while a transaction manager controls the transaction (as JDBC specifies for global
     *     transactions, whatever flag the driver keeps), else the driver's setting
     */
    @Override
    public boolean getAutoCommit() throws SQLException {
        return super.getAutoCommit() && !managedConnection.inManagedTransaction();
    }

    @Override
    public void commit() throws SQLException {
        super.commit();
        managedConnection.applicationTransactionEvent(this, ConnectionEvent.LOCAL_TRANSACTION_COMMITTED);
    }

    @Override
    public void rollback() throws SQLException {
        super.rollback();
        managedConnection.applicationTransactionEvent(this, ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK);
    }

    private static SQLException refused(String operation) {
        // 25000: invalid transaction state.
        return new SQLException("pgpool: " + operation + " is not allowed while the connection takes part in a "
                + "transaction managed by the application server; the transaction manager commits or rolls back",
                "25000");
    }

    @Override
    public String toString() {
        return "PgPoolConnection{" + (isClosed() ? "closed" : managedConnection.toString()) + "}";
    }
}

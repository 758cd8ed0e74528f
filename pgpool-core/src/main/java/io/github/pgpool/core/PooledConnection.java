package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import javax.transaction.xa.XAResource;
import org.postgresql.core.BaseConnection;
import org.postgresql.xa.PGXAConnection;

/**
 * One physical connection of a {@link PgPool}, lent to one borrower at a time. The borrower uses
 * {@link #connection()} (and, inside an application server, {@link #xaResource()}), tells the pool what it did that
 * matters for the next borrower ({@link #noteSql}, {@link #noteSessionChanged()}, {@link #noteJdbcStateChanged()},
 * {@link #noteError}), and gives it back exactly once with {@link #release()}.
 *
 * <p>The pool moves each connection through {@link State}: {@code IDLE -> IN_USE} when lent,
 * {@code IN_USE -> IDLE} when given back, and to {@code CLOSED} once. All state changes happen under the pool's lock.
 */
public final class PooledConnection {
    /** Where a connection is in its life. */
    enum State {
        /** In the pool, ready to be lent. */
        IDLE,
        /** Lent to a borrower. */
        IN_USE,
        /** Closed or being closed; never used again. */
        CLOSED
    }

    private final PgPool pool;
    private final Connection connection;
    private final Credentials credentials;
    final Partition partition;
    final long createdAt;
    final long expiresAt;
    final ConnectionProfile profile;

    // Guarded by the pool's lock.
    State state = State.IN_USE;
    long lastUsed;
    long borrowedAt;
    /** When the loan before the current one began (its creation for a new connection). */
    long previousBorrowedAt;
    Throwable borrowedHere;
    boolean leakReported;
    io.github.pgpool.api.CloseReason closeReason;
    int indexInAll = -1;

    // Written by the borrower's thread only, read in release() on the same thread.
    private boolean sessionChanged;
    private boolean jdbcStateChanged;
    private volatile boolean broken;
    private PGXAConnection xaConnection;
    /** The driver's own connection, resolved once; {@code null} if the connection is not pgjdbc's. */
    final BaseConnection pg;

    /** 1 while lent: the borrower's {@link #release()} moves it to 0 once, by compare-and-set. */
    private volatile int lent;
    private static final AtomicIntegerFieldUpdater<PooledConnection> LENT =
            AtomicIntegerFieldUpdater.newUpdater(PooledConnection.class, "lent");

    PooledConnection(PgPool pool, Connection connection, Credentials credentials, Partition partition,
            long createdAt, long expiresAt, ConnectionProfile profile) {
        this.pool = pool;
        this.connection = connection;
        this.credentials = credentials;
        this.partition = partition;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.profile = profile;
        this.pg = pgjdbc(connection);
        this.lastUsed = createdAt;
        this.borrowedAt = createdAt;
        this.previousBorrowedAt = createdAt;
    }

    /** @return the physical connection; valid only until {@link #release()} */
    public Connection connection() {
        return connection;
    }

    /** @return the credentials this connection was opened with */
    public Credentials credentials() {
        return credentials;
    }

    /**
     * @return the XA resource of this physical connection (pgjdbc's {@link PGXAConnection}, made on first use and
     *     kept for the connection's life)
     * @throws SQLException if the physical connection is not a pgjdbc connection
     */
    public XAResource xaResource() throws SQLException {
        if (xaConnection == null) {
            if (pg == null) {
                throw new SQLException("pgpool: XA needs a pgjdbc connection, not " + connection.getClass(), "0A000");
            }
            xaConnection = new PGXAConnection(pg);
        }
        return xaConnection;
    }

    /**
     * Records a statement about to run on this connection, so that a statement that may change session state
     * makes the pool reset the session on return.
     */
    public void noteSql(String sql) {
        if (!sessionChanged && SqlClassifier.mayChangeSession(sql)) {
            sessionChanged = true;
        }
    }

    /** Records that session state may have changed in a way {@link #noteSql} cannot see (plain statements, calls). */
    public void noteSessionChanged() {
        sessionChanged = true;
    }

    /**
     * Records that a JDBC-level setting (isolation, holdability, network timeout, type map) was changed and must be
     * restored on return. Autocommit and read-only are always checked.
     */
    public void noteJdbcStateChanged() {
        jdbcStateChanged = true;
    }

    /**
     * Records an error seen on this connection. A fatal SQLState ({@link FatalErrors}) marks the connection broken:
     * it is closed on return, and the pool checks its idle connections before lending them again.
     *
     * @return whether the error was fatal
     */
    public boolean noteError(SQLException e) {
        if (FatalErrors.isFatal(e)) {
            markBroken();
            return true;
        }
        return false;
    }

    /** Marks this connection as unusable: it is closed when released, never lent again. */
    public void markBroken() {
        if (!broken) {
            broken = true;
            pool.suspectIdleConnections();
        }
    }

    /** @return whether this connection was marked unusable */
    public boolean isBroken() {
        return broken;
    }

    /** @return how long ago this connection was opened */
    public Duration age() {
        return Duration.ofNanos(pool.clock().nanoTime() - createdAt);
    }

    /**
     * Gives the connection back: its transaction is rolled back and its session reset, then it goes to the longest
     * waiter or back to the pool, or is closed if broken or expired. Call exactly once.
     *
     * @throws IllegalStateException if the connection is not lent out (released twice)
     */
    public void release() {
        pool.release(this);
    }

    /** The pool lends this connection (under its lock). */
    void lend() {
        LENT.lazySet(this, 1);
    }

    /** @return whether this call ended the loan; {@code false} if it was already given back */
    boolean giveBack() {
        return LENT.compareAndSet(this, 1, 0);
    }

    private static BaseConnection pgjdbc(Connection c) {
        try {
            return c.isWrapperFor(BaseConnection.class) ? c.unwrap(BaseConnection.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    boolean sessionChanged() {
        return sessionChanged;
    }

    boolean jdbcStateChanged() {
        return jdbcStateChanged;
    }

    void clearNotes() {
        sessionChanged = false;
        jdbcStateChanged = false;
    }

    @Override
    public String toString() {
        return "PooledConnection{pool=" + pool.name() + ", user=" + credentials.user() + ", state=" + state + "}";
    }
}

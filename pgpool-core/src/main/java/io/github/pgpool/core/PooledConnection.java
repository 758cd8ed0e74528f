package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import javax.transaction.xa.XAResource;
import org.postgresql.core.BaseConnection;
import org.postgresql.xa.PGXAConnection;

/**
 * One physical connection of a {@link PgPool}, lent to one borrower at a time. The borrower uses
 * {@link #connection()} (and, inside an application server, {@link #xaResource()}), tells the pool what it did that
 * matters for the next borrower ({@link #noteSql}, {@link #noteSessionChanged()}, {@link #noteJdbcStateChanged()},
 * {@link #noteError}), and gives it back exactly once with {@link #release()}.
 *
 * <p>{@link State} is the single source of truth for who owns a connection. The pool moves it with named
 * compare-and-set transitions: {@link #tryLend()} ({@code IDLE -> IN_USE}), {@link #beginReturn()}
 * ({@code IN_USE -> RETURNING}, which also catches a second release), {@link #markIdle()}
 * ({@code RETURNING -> IDLE}), {@link #tryReclaim()} ({@code IDLE -> RETURNING}) and {@link #tryRetire()}
 * ({@code IDLE -> CLOSED}). Whoever wins a transition out of {@code IDLE} owns the connection; the pool's lock is
 * needed only for its lists and counts, so a borrower under contention can take an idle connection without it.
 */
public final class PooledConnection {
    /** Where a connection is in its life. */
    enum State {
        /** In the pool, ready to be lent. */
        IDLE,
        /** Lent to a borrower. */
        IN_USE,
        /** Given back, being cleaned and put back by the returning thread. */
        RETURNING,
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

    /** Who owns the connection; changed only through the transitions below. */
    private volatile State state = State.IN_USE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PooledConnection.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Whether the connection is in its partition's idle list (written under the pool's lock, read without it): a
     * connection given back without the lock must still be findable there.
     */
    volatile boolean listed;

    // Written by the connection's owner of the moment (the thread that won the last transition out of IDLE, or the
    // pool under its lock); the state transitions publish them to the next owner.
    /** When the connection was last given back (a {@link PoolClock#recentNanoTime()} reading). */
    long lastUsed;
    long borrowedAt;
    /** When the loan before the current one began (its creation for a new connection). */
    long previousBorrowedAt;
    /** Loans of this connection, summed into the pool's statistics. */
    long loans;

    // Guarded by the pool's lock.
    Throwable borrowedHere;
    boolean leakReported;
    io.github.pgpool.api.CloseReason closeReason;
    int indexInAll = -1;

    // Written by the borrower's thread only, read in release() on the same thread.
    private boolean sessionChanged;
    private boolean jdbcStateChanged;
    /** The last statement text {@link #noteSql} found harmless. */
    private String lastHarmlessSql;
    private volatile boolean broken;
    private PGXAConnection xaConnection;
    /** The driver's own connection, resolved once; {@code null} if the connection is not pgjdbc's. */
    final BaseConnection pg;

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
        if (sessionChanged || sql == lastHarmlessSql) {
            return; // applications reuse their SQL string constants: an identity check saves the lookup
        }
        if (SqlClassifier.mayChangeSession(sql)) {
            sessionChanged = true;
        } else {
            lastHarmlessSql = sql;
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

    State state() {
        return state;
    }

    /** {@code IDLE -> IN_USE}: the caller now owns the connection. */
    boolean tryLend() {
        return STATE.compareAndSet(this, State.IDLE, State.IN_USE);
    }

    /** {@code IN_USE -> RETURNING}: ends the loan; {@code false} if it was already given back. */
    boolean beginReturn() {
        return STATE.compareAndSet(this, State.IN_USE, State.RETURNING);
    }

    /** {@code RETURNING -> IDLE}, by the owner: publishes {@link #lastUsed} and the cleaned session with it. */
    void markIdle() {
        state = State.IDLE;
    }

    /** {@code IDLE -> RETURNING}: takes back a connection just marked idle, if nobody took it meanwhile. */
    boolean tryReclaim() {
        return STATE.compareAndSet(this, State.IDLE, State.RETURNING);
    }

    /** {@code IDLE -> CLOSED}: housekeeping or eviction takes an idle connection for closing. */
    boolean tryRetire() {
        return STATE.compareAndSet(this, State.IDLE, State.CLOSED);
    }

    /** The owner hands the connection to a waiter ({@code RETURNING -> IN_USE}) under the pool's lock. */
    void handOver() {
        state = State.IN_USE;
    }

    /** The owner, or the winner of {@link #tryRetire()}, takes the connection out of use for good. */
    void retire() {
        state = State.CLOSED;
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

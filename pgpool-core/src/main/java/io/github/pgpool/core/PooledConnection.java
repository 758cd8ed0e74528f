package io.github.pgpool.core;

import io.github.pgpool.api.CloseReason;
import io.github.pgpool.api.Credentials;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
 *
 * <p>The object is made before it goes on the pool's books, outside the lock (finding the driver's own connection
 * is a call into the driver). Its bookkeeping fields are written by the connection's owner of the moment (the thread
 * that won the last transition out of {@code IDLE}, or the pool under its lock); the state transitions publish them
 * to the next owner. The list fields ({@link #isListed()}, the index in the pool's list) are guarded by the pool's
 * lock.
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

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PooledConnection.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoanOwner owner;
    private final Connection connection;
    private final Credentials credentials;
    /** The driver's own connection, resolved once; {@code null} if the connection is not pgjdbc's. */
    private final BaseConnection pg;
    /** The socket under it, if pgjdbc made it with pgpool's factory; else {@code null}. */
    private final LinkSocket link;
    private final long createdAt;
    private final long expiresAt;
    /** The pool's eviction count when this connection's connect began (see ConnectionHealth#isEvicted). */
    private final long evictionsAtConnect;
    private final ConnectionProfile profile;
    /** The pool's: told when this connection is first used for XA. */
    private final XaReadiness xaReadiness;

    /** Who owns the connection; changed only through the transitions below. */
    private volatile State state = State.IN_USE;

    // Guarded by the pool's lock (read without it only as a hint).
    private Partition partition;
    private int indexInAll = -1;
    private volatile boolean listed;
    private CloseReason closeReason;

    // Written by the owner of the moment, published by the state transitions.
    /** When the connection was last given back (a {@link PoolClock#recentNanoTime()} reading). */
    private long lastUsed;
    private long borrowedAt;
    /** When the loan before the current one began (the connection's creation for a new one). */
    private long previousBorrowedAt;
    /** Loans of this connection, summed into the pool's statistics. */
    private long loans;
    private Throwable borrowedHere;
    private boolean leakReported;

    // Written by the borrower's thread only, read in the return path on the same thread.
    private boolean sessionChanged;
    /** A statement left state that even DISCARD ALL does not undo (LOAD, setseed, dblink): close, do not reset. */
    private boolean outlivesReset;
    private boolean jdbcStateChanged;
    /** The last statement text {@link #noteSql} found harmless. */
    private String lastHarmlessSql;
    private volatile boolean broken;
    private PGXAConnection xaConnection;

    PooledConnection(LoanOwner owner, Connection connection, Credentials credentials, LinkSocket link,
            long evictionsAtConnect, long createdAt, long expiresAt, ConnectionProfile profile,
            XaReadiness xaReadiness) {
        this.owner = owner;
        this.connection = connection;
        this.link = link;
        this.credentials = credentials;
        this.pg = pgjdbc(connection);
        this.evictionsAtConnect = evictionsAtConnect;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.profile = profile;
        this.xaReadiness = xaReadiness;
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
     *     kept for the connection's life). The first use tells the pool that it serves XA, so that a server with
     *     {@code max_prepared_transactions = 0} is warned about ({@link XaReadiness}).
     * @throws SQLException if the physical connection is not a pgjdbc connection
     */
    public XAResource xaResource() throws SQLException {
        if (xaConnection == null) {
            if (pg == null) {
                throw new SQLException("pgpool: XA needs a pgjdbc connection, not " + connection.getClass(), "0A000");
            }
            xaConnection = new PGXAConnection(pg);
            xaReadiness.xaUsed(profile.maxPreparedTransactions());
        }
        return xaConnection;
    }

    /**
     * Records a statement about to run on this connection, so that a statement that may change session state
     * makes the pool reset the session on return.
     */
    public void noteSql(String sql) {
        if (outlivesReset || sql == lastHarmlessSql) {
            return; // applications reuse their SQL string constants: an identity check saves the lookup
        }
        byte verdict = SqlClassifier.verdict(sql);
        if (verdict == SqlClassifier.HARMLESS) {
            lastHarmlessSql = sql;
        } else {
            sessionChanged = true;
            outlivesReset = verdict == SqlClassifier.LASTING;
        }
    }

    /** Records that session state may have changed in a way {@link #noteSql} cannot see (plain statements, calls). */
    public void noteSessionChanged() {
        sessionChanged = true;
    }

    /**
     * Records that the physical connection (or a driver statement leading to it) was handed to the borrower: what is
     * done on it cannot be followed, so the session is reset on return.
     */
    public void noteRawUse() {
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
     * it is closed on return, and the pool checks its idle connections before lending them again. A read-only
     * error on a pool that targets the primary means the primary was demoted: the pool lets go of its connections.
     *
     * @return whether the error was fatal
     */
    public boolean noteError(SQLException e) {
        if (FatalErrors.isFatal(e)) {
            markBroken();
            return true;
        }
        if (FatalErrors.isReadOnly(e)) {
            owner.readOnlySeen(this); // before the application sees it: the next borrower must not meet it too
        }
        return false;
    }

    /** Marks this connection as unusable: it is closed when released, never lent again. */
    public void markBroken() {
        if (!broken) {
            broken = true;
            owner.fatalErrorSeen();
        }
    }

    /** @return whether this connection was marked unusable */
    public boolean isBroken() {
        return broken;
    }

    /** @return how long ago this connection was opened */
    public Duration age() {
        return Duration.ofNanos(owner.clock().nanoTime() - createdAt);
    }

    /**
     * Gives the connection back: its transaction is rolled back and its session reset, then it goes to the longest
     * waiter or back to the pool, or is closed if broken or expired. Call exactly once.
     *
     * @throws IllegalStateException if the connection is not lent out (released twice)
     */
    public void release() {
        owner.giveBack(this);
    }

    // ---- Ownership: the state transitions -----------------------------------------------------------------------

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

    /** {@code RETURNING -> IDLE}, by the owner: publishes {@link #lastUsed()} and the cleaned session with it. */
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
    void retire(CloseReason reason) {
        state = State.CLOSED;
        closeReason = reason;
    }

    /** @return why the connection was retired, or {@code null} while it is not */
    CloseReason closeReason() {
        return closeReason;
    }

    // ---- What the pool knows of it ------------------------------------------------------------------------------

    /** @return the driver's own connection, or {@code null} if it is not a pgjdbc connection */
    BaseConnection pg() {
        return pg;
    }

    /**
     * Whether the server sent something while nobody asked, which on a connection that is not in use means it is
     * ending the session (a terminated backend's FATAL message); one system call, no round trip.
     */
    boolean hasUnreadInput() {
        return link != null && link.hasUnreadInput();
    }

    /** {@link #hasUnreadInput()}, or the server hung up without a word (PgBouncer restarting); no round trip. */
    boolean hasUnreadInputOrEnded() {
        return link != null && link.hasUnreadInputOrEnded();
    }

    /** Lets closing this connection wait at most {@code millis} for the server (see {@link LinkSocket#close()}). */
    void lingerAtMost(long millis) {
        if (link != null) {
            link.lingerAtMost(millis);
        }
    }

    ConnectionProfile profile() {
        return profile;
    }

    long createdAt() {
        return createdAt;
    }

    long expiresAt() {
        return expiresAt;
    }

    long evictionsAtConnect() {
        return evictionsAtConnect;
    }

    /** @return when the connection was last given back */
    long lastUsed() {
        return lastUsed;
    }

    /** The owner records that the connection was given back at {@code now}. */
    void touch(long now) {
        lastUsed = now;
    }

    /** The borrower owns the connection now: a loan begins (loan times are for leak reports and suspicion). */
    void beginLoan(long now) {
        previousBorrowedAt = borrowedAt;
        borrowedAt = now;
        loans++;
    }

    /** The loan just begun did not happen after all (the connection turned out dead before it was handed over). */
    void undoLoan() {
        loans--;
    }

    long borrowedAt() {
        return borrowedAt;
    }

    long previousBorrowedAt() {
        return previousBorrowedAt;
    }

    long loans() {
        return loans;
    }

    /** Records where the current loan was taken, for a leak report ({@code null} when leaks are not watched). */
    void recordBorrower(Throwable where) {
        borrowedHere = where;
        leakReported = false;
    }

    Throwable borrowedHere() {
        return borrowedHere;
    }

    /** @return {@code true} the first time it is called for a loan: the leak is reported once */
    boolean takeLeakReport() {
        if (leakReported) {
            return false;
        }
        leakReported = true;
        return true;
    }

    Partition partition() {
        return partition;
    }

    void partition(Partition p) {
        partition = p;
    }

    int indexInAll() {
        return indexInAll;
    }

    void indexInAll(int i) {
        indexInAll = i;
    }

    /** @return whether the connection is in its partition's idle list (it may be in use, lent without the lock) */
    boolean isListed() {
        return listed;
    }

    void listed(boolean inList) {
        listed = inList;
    }

    // ---- The borrower's notes, read by the return path ----------------------------------------------------------

    boolean sessionChanged() {
        return sessionChanged;
    }

    boolean jdbcStateChanged() {
        return jdbcStateChanged;
    }

    boolean outlivesReset() {
        return outlivesReset;
    }

    void clearNotes() {
        sessionChanged = false;
        outlivesReset = false;
        jdbcStateChanged = false;
    }

    private static BaseConnection pgjdbc(Connection c) {
        try {
            return c.isWrapperFor(BaseConnection.class) ? c.unwrap(BaseConnection.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "PooledConnection{pool=" + owner.poolName() + ", user=" + credentials.user() + ", state=" + state + "}";
    }
}

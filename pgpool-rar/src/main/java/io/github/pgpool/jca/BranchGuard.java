package io.github.pgpool.jca;

import io.github.pgpool.core.PooledConnection;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransactionRollbackException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Keeps work that comes after a transaction's end off a managed connection's PostgreSQL connection: one per
 * {@link PgPoolManagedConnection}, told by the XA resource and the local transaction where the connection's
 * transaction is, and asked by every handle call ({@link #check()}) whether the handle may work.
 *
 * <p>Two layers. First, <b>a connection that belongs to a transaction never runs in autocommit</b>: autocommit is
 * switched off when the branch (or container local transaction) starts, and stays off after it ends for as long as
 * a handle is still open (the <i>fence</i>). A statement that races with a transaction manager completing the
 * branch from another thread (WildFly's reaper calls {@code end(TMFAIL)} and {@code rollback} on its own thread)
 * therefore runs in a new transaction that nobody commits: it is rolled back when the fence is lifted, when the
 * connection is enlisted again, or when it goes back to the pool. Second, <b>the handle refuses work</b> that could
 * not become durable, with a clear {@link SQLException}:
 * <ul>
 *   <li>while the branch is active or ended, if the thread's transaction cannot proceed (marked rollback-only,
 *       rolled back by a timeout, rolling back: SQLState 40000, {@link SQLTransactionRollbackException}; any other
 *       status but active, preparing, prepared, committing or none: 25000), as WildFly's own data sources do
 *       (IJ031070); after {@code end(TMFAIL)} always (40000), and after prepare always (25000);</li>
 *   <li>after the transaction ended with the handle still open: while the thread is still in that dead transaction
 *       (40000) or in another one that has not enlisted this connection (25000). Once the thread has no
 *       transaction, the fence is lifted and the handle works in autocommit, as JTA specifies for a connection
 *       used outside a transaction; a handle that was never enlisted is not affected at all.</li>
 * </ul>
 * The thread's transaction status comes from the server's {@link TransactionSynchronizationRegistry} (Connectors
 * 1.6+ {@code BootstrapContext}). Without one, a handle kept open past a committed transaction works on, but one
 * kept open past a rollback is refused until it is closed or enlisted again: the rollback may have come from a
 * timeout while the application still believes its transaction runs.
 *
 * <p>Thread-safety: the transitions are made under the managed connection's monitor (its caller holds it);
 * {@link #check()} reads the volatile state without it and asks the registry without it, because a transaction
 * manager may hold its own locks while it calls the XA resource, which takes the monitor; only lifting the fence
 * takes the monitor.
 */
final class BranchGuard {
    /** No transaction, no fence: handles work freely (the fast path). */
    private static final int NONE = 0;
    /** A branch or container local transaction is active. */
    private static final int ACTIVE = 1;
    /** The branch was ended with TMSUCCESS and is not completed yet. */
    private static final int ENDED = 2;
    /** The branch was ended with TMFAIL: it can only be rolled back. */
    private static final int FAILED = 3;
    /** The branch is prepared: its work is in PostgreSQL's hands, nothing can be added. */
    private static final int PREPARED = 4;
    /** The transaction completed while a handle was open: autocommit stays off until the fence is lifted. */
    private static final int FENCED = 5;
    /** The thread's status could not be learned (no registry, or it failed). */
    private static final int STATUS_UNAVAILABLE = -1;

    private final PgPoolManagedConnection mc;
    /** Written under the managed connection's monitor, read by handles without it. */
    private volatile int state;
    /**
     * Whether the transaction that left the fence was rolled back rather than committed. Written under the monitor
     * before {@link #state} becomes FENCED, read after reading it.
     */
    private volatile boolean fenceAfterRollback;

    BranchGuard(PgPoolManagedConnection mc) {
        this.mc = mc;
    }

    /** @return whether handles may work without a check: no transaction and no fence */
    boolean quiet() {
        return state == NONE;
    }

    // ---- Asked by handles (without the monitor) ----------------------------------------------------------------

    /**
     * @throws SQLException if a handle of this managed connection must not work now (see the class comment); lifts
     *     the fence first if the thread has left the transaction
     */
    void check() throws SQLException {
        int s = state;
        switch (s) {
            case NONE:
                return;
            case FAILED:
                throw rolledBack("ended for rollback");
            case PREPARED:
                throw new SQLNonTransientException("pgpool: this connection's transaction branch is prepared; "
                        + "nothing more can be done in it before the transaction manager completes it", "25000");
            case ACTIVE:
            case ENDED:
                int status = threadStatus();
                if (status != STATUS_UNAVAILABLE && !canProceed(status)) {
                    throw cannotProceed(status);
                }
                return;
            default:
                afterTransaction();
        }
    }

    /** The fence is up: the handle may work only once the thread is outside every transaction. */
    private void afterTransaction() throws SQLException {
        int status = threadStatus();
        if (status == Status.STATUS_NO_TRANSACTION || status == STATUS_UNAVAILABLE && !fenceAfterRollback) {
            lift();
            return;
        }
        if (status == Status.STATUS_ACTIVE) {
            throw new SQLNonTransientException("pgpool: this connection was used in a transaction that has ended, "
                    + "and the thread's current transaction has not enlisted it; close it and get a connection "
                    + "in the current transaction", "25000");
        }
        if (status == STATUS_UNAVAILABLE) {
            throw new SQLTransactionRollbackException("pgpool: the transaction this connection took part in was "
                    + "rolled back (maybe by its timeout), and the server offers no way to tell whether the thread "
                    + "is still in it; close the connection", "40000");
        }
        throw cannotProceed(status);
    }

    /** Lifts the fence: what slipped in after the transaction's end is rolled back, autocommit is on again. */
    private void lift() throws SQLException {
        synchronized (mc) {
            if (state != FENCED) {
                return; // enlisted again or given back meanwhile
            }
            PooledConnection pc = mc.currentLease();
            if (pc != null) {
                Connection c = pc.connection();
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    pc.noteError(e);
                    throw e;
                }
            }
            state = NONE;
        }
    }

    private int threadStatus() {
        TransactionSynchronizationRegistry registry = mc.factory().transactions();
        if (registry == null) {
            return STATUS_UNAVAILABLE;
        }
        try {
            return registry.getTransactionStatus();
        } catch (RuntimeException e) {
            return STATUS_UNAVAILABLE;
        }
    }

    /** The statuses in which work can still become part of a transaction that commits (or of none). */
    private static boolean canProceed(int status) {
        return status == Status.STATUS_ACTIVE || status == Status.STATUS_PREPARING
                || status == Status.STATUS_PREPARED || status == Status.STATUS_COMMITTING
                || status == Status.STATUS_NO_TRANSACTION;
    }

    private static SQLException cannotProceed(int status) {
        switch (status) {
            case Status.STATUS_MARKED_ROLLBACK:
                return rolledBack("marked for rollback");
            case Status.STATUS_ROLLEDBACK:
                return rolledBack("rolled back (for example by its timeout)");
            case Status.STATUS_ROLLING_BACK:
                return rolledBack("rolling back (for example after its timeout)");
            default:
                return new SQLNonTransientException("pgpool: the transaction this connection works for cannot "
                        + "proceed (status " + statusName(status) + "); end it and use the connection outside a "
                        + "transaction or in a new one", "25000");
        }
    }

    private static SQLException rolledBack(String what) {
        // 40000 transaction_rollback: the work cannot succeed in this transaction, a new one may.
        return new SQLTransactionRollbackException("pgpool: the transaction this connection works for is " + what
                + "; nothing more can be done in it. End it (roll back) and use the connection outside a "
                + "transaction or in a new one", "40000");
    }

    private static String statusName(int status) {
        switch (status) {
            case Status.STATUS_COMMITTED:
                return "committed";
            case Status.STATUS_UNKNOWN:
                return "unknown";
            case Status.STATUS_PREPARING:
                return "preparing";
            case Status.STATUS_PREPARED:
                return "prepared";
            case Status.STATUS_COMMITTING:
                return "committing";
            default:
                return Integer.toString(status);
        }
    }

    // ---- Told by the XA resource and the local transaction (caller holds the monitor) --------------------------

    /**
     * A branch or local transaction is about to start on {@code pc}: what slipped in behind a fence is rolled back,
     * so the new transaction starts clean.
     */
    void beforeStart(PooledConnection pc) throws SQLException {
        if (state == FENCED) {
            pc.connection().rollback();
        }
    }

    /**
     * A branch or local transaction started on {@code pc}: autocommit goes off (pgjdbc opens a branch with an
     * explicit BEGIN and leaves its autocommit flag on, so without this the statement after a rollback would commit
     * on its own). No round trip: switching autocommit off inside a transaction only sets the driver's flag.
     */
    void started(PooledConnection pc) throws SQLException {
        pc.connection().setAutoCommit(false);
        state = ACTIVE;
    }

    /** start(TMJOIN): the ended branch is active again. */
    void joined() {
        state = ACTIVE;
    }

    void ended(boolean failed) {
        state = failed ? FAILED : ENDED;
    }

    void prepared() {
        state = PREPARED;
    }

    /**
     * The transaction on {@code pc} was committed or rolled back. With a handle still open the fence stays up; else
     * autocommit goes on again at once (no round trip when the session is idle; otherwise the pool's return path
     * rolls back and resets it).
     */
    void completed(PooledConnection pc, boolean committed, boolean handlesOpen) {
        if (handlesOpen) {
            fenceAfterRollback = !committed;
            state = FENCED;
            return;
        }
        state = NONE;
        autocommitIfIdle(pc);
    }

    /** A prepared branch is completed through this connection: a stray transaction behind the fence goes first. */
    void beforeSecondPhase(PooledConnection pc) throws SQLException {
        if (!idle(pc)) {
            pc.connection().rollback(); // after PREPARE the session's transaction can only be stray work
        }
    }

    /** The lease goes back to the pool: nothing of a transaction or fence outlives it. */
    void released(PooledConnection pc) {
        if (state != NONE) {
            state = NONE;
            autocommitIfIdle(pc);
        }
    }

    private static void autocommitIfIdle(PooledConnection pc) {
        try {
            if (idle(pc)) {
                pc.connection().setAutoCommit(true);
            }
        } catch (SQLException e) {
            pc.noteError(e); // the return path cleans or closes it
        }
    }

    private static boolean idle(PooledConnection pc) {
        try {
            return pc.connection().unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
        } catch (SQLException e) {
            return false;
        }
    }
}

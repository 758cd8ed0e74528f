package io.github.pgpool.jca;

import io.github.pgpool.core.PooledConnection;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The XA resource a managed connection gives the server: a stable facade over the XA resource of whatever PostgreSQL
 * connection the managed connection leases (pgjdbc's {@code PGXAConnection}).
 *
 * <ul>
 *   <li>{@code start} leases a connection if none is leased; {@code end}, {@code prepare}, {@code commit} and
 *       {@code rollback} of that branch go to the connection that started it (pgjdbc cannot prepare elsewhere).</li>
 *   <li>{@code recover}, and commit or rollback of a branch this managed connection does not hold (recovery, or a
 *       prepared branch whose managed connection was destroyed), run on a connection leased just for the call.</li>
 *   <li>Once the branch is committed or rolled back the managed connection gives the lease back, at once if no
 *       handle is open.</li>
 *   <li>{@code isSameRM} is true only for this very object: pgjdbc cannot join a branch from another connection, so
 *       the server must not merge branches.</li>
 * </ul>
 * pgjdbc limits apply: no interleaving, no suspend/resume, no transaction timeout. (pgjdbc 42.7.14 opens a branch
 * with an explicit {@code BEGIN} and leaves the connection's autocommit flag on; {@link PgPoolConnection} therefore
 * reports autocommit off and guards transaction control itself while a branch is pending.)
 */
final class PgPoolXAResource implements XAResource {
    private static final System.Logger LOG = System.getLogger(PgPoolXAResource.class.getName());
    private static final int ACTIVE = 1;
    private static final int ENDED = 2;
    private static final int PREPARED = 3;

    private final PgPoolManagedConnection mc;
    // Guarded by mc.
    private Xid branch;
    private int state;
    private PooledConnection branchLease;
    /** A branch rolled back because its managed connection went away before the transaction manager finished it. */
    private Xid abandoned;

    PgPoolXAResource(PgPoolManagedConnection mc) {
        this.mc = mc;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (flags == TMNOFLAGS) {
            try {
                mc.leaseAhead(null); // the wait for a free connection holds no monitor
            } catch (SQLException e) {
                LeaseFailures.record(e); // the server may drop the cause: let the data source report it
                throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
            }
        }
        synchronized (mc) {
            if (flags == TMJOIN || flags == TMRESUME) {
                requireBranch(xid);
                xaOf(branchLease).start(xid, flags);
                state = ACTIVE;
                mc.guard().joined();
                return;
            }
            if (flags != TMNOFLAGS) {
                throw Exceptions.xa(XAException.XAER_INVAL, "pgpool: invalid flags for start: " + flags, null);
            }
            if (branch != null) {
                throw Exceptions.xa(XAException.XAER_PROTO, "pgpool: the connection is busy with another branch",
                        null);
            }
            PooledConnection pc;
            try {
                pc = mc.leaseSlow();
            } catch (SQLException e) {
                LeaseFailures.record(e); // the server may drop the cause: let the data source report it
                throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
            }
            try {
                mc.guard().beforeStart(pc); // work that slipped in after an earlier transaction's end is undone
            } catch (SQLException e) {
                pc.noteError(e);
                throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
            }
            if (inLocalTransaction(pc.connection())) {
                throw Exceptions.xa(XAException.XAER_OUTSIDE, "pgpool: the connection has uncommitted local work; "
                        + "commit or roll it back before the transaction manager enlists it", null);
            }
            try {
                xaOf(pc).start(xid, TMNOFLAGS);
            } catch (XAException e) {
                if (e.getCause() instanceof SQLException) {
                    SQLException cause = (SQLException) e.getCause();
                    pc.noteError(cause); // a connection the database dropped is not pooled again
                    LeaseFailures.record(cause); // the server may drop the cause: let the data source report it
                }
                throw e;
            }
            try {
                mc.guard().started(pc);
            } catch (SQLException e) {
                pc.noteError(e);
                undoStart(pc, xid);
                throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
            }
            branch = xid;
            branchLease = pc;
            state = ACTIVE;
            abandoned = null;
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        synchronized (mc) {
            requireBranch(xid);
            xaOf(branchLease).end(xid, flags);
            state = ENDED;
            mc.guard().ended(flags == TMFAIL);
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        synchronized (mc) {
            requireBranch(xid);
            XAResource xa = xaOf(branchLease);
            int vote = xa.prepare(xid);
            if (vote == XA_RDONLY) {
                // The transaction manager will not complete a read-only branch, yet pgjdbc did PREPARE it (on a
                // read-only connection): commit it now so no prepared transaction is left holding resources.
                try {
                    xa.commit(xid, false);
                } catch (XAException e) {
                    LOG.log(Level.WARNING, "pgpool: committing read-only branch {0} failed: {1}", xid,
                            e.getMessage());
                }
                finishBranch(true);
                return vote;
            }
            state = PREPARED;
            mc.guard().prepared();
            return vote;
        }
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        synchronized (mc) {
            if (holds(xid)) {
                try {
                    if (state == PREPARED) {
                        mc.guard().beforeSecondPhase(branchLease);
                    }
                    xaOf(branchLease).commit(xid, onePhase);
                } catch (SQLException e) {
                    branchLease.noteError(e); // the branch stays prepared; the transaction manager retries
                    throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
                } catch (XAException e) {
                    if (e.errorCode == XAException.XAER_PROTO || e.errorCode == XAException.XAER_INVAL) {
                        throw e; // refused before anything happened: the branch is still ours
                    }
                    finishBranch(false);
                    throw e;
                }
                finishBranch(true);
                return;
            }
            if (xid != null && xid.equals(abandoned)) {
                abandoned = null;
                throw Exceptions.xa(XAException.XA_RBROLLBACK, "pgpool: the branch was rolled back when its "
                        + "managed connection was destroyed", null);
            }
        }
        if (onePhase) {
            throw Exceptions.xa(XAException.XAER_NOTA, "pgpool: unknown branch for one-phase commit", null);
        }
        recoveryCall(pc -> {
            xaOf(pc).commit(xid, false);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        synchronized (mc) {
            if (holds(xid)) {
                boolean wasPrepared = state == PREPARED;
                PooledConnection pc = branchLease;
                try {
                    if (wasPrepared) {
                        mc.guard().beforeSecondPhase(pc);
                    }
                    xaOf(pc).rollback(xid);
                } catch (SQLException e) {
                    pc.noteError(e); // the branch stays prepared; the transaction manager retries
                    throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
                } catch (XAException e) {
                    // Not prepared (for example PREPARE failed): pgjdbc looked for a prepared transaction, found
                    // none, and the work was rolled back with the session's transaction. That is success.
                    if (wasPrepared || e.errorCode != XAException.XAER_NOTA) {
                        ensureIdle(pc);
                        finishBranch(false);
                        throw e;
                    }
                }
                ensureIdle(pc);
                finishBranch(false);
                return;
            }
            if (xid != null && xid.equals(abandoned)) {
                abandoned = null;
                return;
            }
        }
        recoveryCall(pc -> {
            xaOf(pc).rollback(xid);
            return null;
        });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        if (flag != TMSTARTRSCAN && flag != TMENDRSCAN && flag != TMNOFLAGS
                && flag != (TMSTARTRSCAN | TMENDRSCAN)) {
            throw Exceptions.xa(XAException.XAER_INVAL, "pgpool: invalid flag for recover: " + flag, null);
        }
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0]; // pgjdbc lists everything at the start of a scan
        }
        return recoveryCall(pc -> xaOf(pc).recover(flag));
    }

    /** pgpool keeps no heuristic outcomes. */
    @Override
    public void forget(Xid xid) throws XAException {
        throw Exceptions.xa(XAException.XAER_NOTA, "pgpool: heuristic outcomes are not supported", null);
    }

    /** @return false: pgjdbc cannot join a branch started on another connection */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    /** @return false: PostgreSQL has no transaction timeout for XA branches */
    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    // ---- Used by the managed connection (under its monitor) ----------------------------------------------------

    /** @return whether a branch was started and is not yet committed or rolled back */
    boolean pending() {
        return branch != null;
    }

    /**
     * The managed connection gives {@code lease} back while a branch may still be open: an unprepared branch is
     * ended and rolled back so that pgjdbc's XA state on that physical connection is idle for its next borrower.
     * A prepared branch lives on in PostgreSQL; the transaction manager finishes it through any connection.
     */
    void abandon(PooledConnection lease) {
        if (branch == null || branchLease != lease) {
            return;
        }
        if (state != PREPARED) {
            XAResource xa;
            try {
                xa = lease.xaResource();
                if (state == ACTIVE) {
                    xa.end(branch, TMFAIL);
                }
                xa.rollback(branch);
            } catch (SQLException | XAException e) {
                LOG.log(Level.DEBUG, "pgpool: rolling back an abandoned branch failed, closing its connection: {0}",
                        e.getMessage());
                lease.markBroken();
            }
            abandoned = branch;
        }
        branch = null;
        branchLease = null;
        state = 0;
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------

    private boolean holds(Xid xid) {
        return branch != null && branch.equals(xid);
    }

    private void requireBranch(Xid xid) throws XAException {
        if (!holds(xid)) {
            throw Exceptions.xa(XAException.XAER_NOTA, "pgpool: this connection holds no branch " + xid, null);
        }
    }

    /**
     * The branch is over: forget it, tell the guard (which keeps autocommit off while a handle is still open), and
     * let the managed connection give the lease back if unused.
     */
    private void finishBranch(boolean committed) {
        mc.guard().completed(branchLease, committed, mc.handlesOpen());
        branch = null;
        branchLease = null;
        state = 0;
        mc.transactionCompleted();
    }

    /** A branch whose start cannot be completed is ended and rolled back again; failures only mark the connection. */
    private static void undoStart(PooledConnection pc, Xid xid) {
        try {
            XAResource xa = pc.xaResource();
            xa.end(xid, TMFAIL);
            xa.rollback(xid);
        } catch (SQLException | XAException e) {
            pc.markBroken();
        }
    }

    /** After a failed completion, make sure the session is not left inside a transaction. */
    private static void ensureIdle(PooledConnection pc) {
        try {
            if (inLocalTransaction(pc.connection())) {
                pc.connection().rollback();
            }
        } catch (SQLException | XAException e) {
            pc.markBroken(); // its state is unknown: never lend it again
        }
    }

    private static boolean inLocalTransaction(Connection c) throws XAException {
        try {
            return c.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
        } catch (SQLException e) {
            throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
        }
    }

    private static XAResource xaOf(PooledConnection pc) throws XAException {
        try {
            return pc.xaResource();
        } catch (SQLException e) {
            throw Exceptions.xa(XAException.XAER_RMERR, "pgpool: " + e.getMessage(), e);
        }
    }

    /** A call on a connection that holds no branch of ours. */
    @FunctionalInterface
    private interface XaCall<T> {
        T run(PooledConnection pc) throws XAException;
    }

    /**
     * Runs a recovery call on the leased connection if it is quiet (no branch, no open transaction, autocommit on,
     * so pgjdbc's autocommit juggling cannot disturb anything), else on a connection leased just for the call.
     */
    private <T> T recoveryCall(XaCall<T> call) throws XAException {
        synchronized (mc) {
            PooledConnection held = mc.currentLease();
            if (held != null && branch == null && isQuiet(held)) {
                return call.run(held);
            }
        }
        PooledConnection spare;
        try {
            spare = mc.borrowSpare();
        } catch (SQLException e) {
            throw Exceptions.xa(XAException.XAER_RMFAIL, "pgpool: " + e.getMessage(), e);
        }
        try {
            return call.run(spare);
        } finally {
            spare.release();
        }
    }

    private static boolean isQuiet(PooledConnection pc) {
        try {
            return pc.connection().getAutoCommit() && !inLocalTransaction(pc.connection());
        } catch (SQLException | XAException e) {
            return false;
        }
    }
}

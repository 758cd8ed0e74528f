package io.github.pgpool.jca;

import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The local transaction a server drives when the pool is configured for LocalTransaction. {@link #begin()} leases a
 * connection if needed and switches autocommit off; commit and rollback let the managed connection give the lease
 * back if no handle is open, and tell its {@link BranchGuard}, which switches autocommit on again. No events are
 * fired: the server demarcates, it knows.
 */
final class PgPoolLocalTransaction implements LocalTransaction {
    private final PgPoolManagedConnection mc;
    /** Guarded by mc. */
    private PooledConnection lease;

    PgPoolLocalTransaction(PgPoolManagedConnection mc) {
        this.mc = mc;
    }

    @Override
    public void begin() throws ResourceException {
        try {
            mc.leaseAhead(null); // the wait for a free connection holds no monitor
        } catch (SQLException e) {
            LeaseFailures.record(e); // the server may drop the cause: let the data source report it
            throw new LocalTransactionException(e.getMessage(), e);
        }
        synchronized (mc) {
            if (lease != null) {
                throw new LocalTransactionException("pgpool: a local transaction is already active");
            }
            if (mc.transactionPending()) {
                throw new LocalTransactionException("pgpool: the connection takes part in an XA transaction");
            }
            PooledConnection pc;
            try {
                pc = mc.leaseSlow();
                mc.guard().beforeStart(pc);
                mc.guard().started(pc); // autocommit off
            } catch (SQLException e) {
                LeaseFailures.record(e); // the server may drop the cause: let the data source report it
                throw new LocalTransactionException(e.getMessage(), e);
            }
            lease = pc;
        }
    }

    @Override
    public void commit() throws ResourceException {
        end(true);
    }

    @Override
    public void rollback() throws ResourceException {
        end(false);
    }

    private void end(boolean commit) throws ResourceException {
        synchronized (mc) {
            PooledConnection pc = lease;
            if (pc == null) {
                throw new LocalTransactionException("pgpool: no local transaction is active");
            }
            lease = null;
            boolean committed = false;
            try {
                Connection c = pc.connection();
                if (commit) {
                    c.commit();
                    committed = true;
                } else {
                    c.rollback();
                }
            } catch (SQLException e) {
                pc.noteError(e);
                throw new LocalTransactionException(e.getMessage(), e);
            } finally {
                // Autocommit goes on again now, or, with a handle still open, once the thread has left the
                // transaction (BranchGuard): a rollback may come from a timeout on another thread.
                mc.guard().completed(pc, committed, mc.handlesOpen());
                mc.transactionCompleted();
            }
        }
    }

    /** @return whether begin was called and neither commit nor rollback yet */
    boolean active() {
        return lease != null;
    }

    /** The managed connection gives its lease back (destroyed): pgpool rolls back on release. */
    void abandon() {
        lease = null;
    }
}

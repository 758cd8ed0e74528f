package io.github.pgpool.jca;

import io.github.pgpool.core.PooledConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The local transaction a server drives when the pool is configured for LocalTransaction. {@link #begin()} leases a
 * connection if needed and switches autocommit off; commit and rollback switch it back on and let the managed
 * connection give the lease back if no handle is open. No events are fired: the server demarcates, it knows.
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
                pc.connection().setAutoCommit(false);
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
            try {
                Connection c = pc.connection();
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                c.setAutoCommit(true);
            } catch (SQLException e) {
                pc.noteError(e);
                throw new LocalTransactionException(e.getMessage(), e);
            } finally {
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

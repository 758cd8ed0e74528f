package io.github.pgpool.it.app;

import jakarta.transaction.TransactionManager;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** Access to the server's transaction manager, for the tests that must look inside a transaction's completion. */
final class ServerTx {
    private ServerTx() {
    }

    /** The TransactionManager is not portable by name: WildFly's first, Payara's as the alternative. */
    static TransactionManager transactionManager() throws NamingException {
        InitialContext ctx = new InitialContext();
        try {
            return (TransactionManager) ctx.lookup("java:/TransactionManager");
        } catch (NamingException e) {
            return (TransactionManager) ctx.lookup("java:appserver/TransactionManager");
        }
    }

    /**
     * An XAResource that remembers the Xid of its branch and, if given a gate, waits at prepare (or at commit) until
     * the test opens it. Enlisted after the pgpool resources, it is prepared after them, so while it waits at prepare
     * the test can see whether the pgpool branches are really prepared (two-phase commit) and not yet committed.
     * Enlisted before them and waiting at commit, it holds the transaction after the transaction manager has logged
     * its decision to commit and before it commits the pgpool branches: the moment a crash test kills the server.
     */
    static final class Recorder implements XAResource {
        private final String gate;
        private final boolean atCommit;
        volatile Xid xid;

        Recorder(String gate) {
            this(gate, false);
        }

        Recorder(String gate, boolean atCommit) {
            this.gate = gate;
            this.atCommit = atCommit;
        }

        private void hold() throws XAException {
            try {
                Gates.await(gate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XAException(XAException.XAER_RMFAIL);
            }
        }

        @Override
        public void start(Xid x, int flags) {
            xid = x;
        }

        @Override
        public void end(Xid x, int flags) {
        }

        @Override
        public int prepare(Xid x) throws XAException {
            if (gate != null && !atCommit) {
                hold();
            }
            return XA_OK;
        }

        @Override
        public void commit(Xid x, boolean onePhase) throws XAException {
            if (gate != null && atCommit) {
                hold();
            }
        }

        @Override
        public void rollback(Xid x) {
        }

        @Override
        public void forget(Xid x) {
        }

        @Override
        public Xid[] recover(int flag) {
            return new Xid[0];
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) throws XAException {
            return false;
        }
    }
}

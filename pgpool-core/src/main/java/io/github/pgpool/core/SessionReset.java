package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Cleans a connection that comes back, so that the next borrower gets what a fresh connection would give: no open
 * transaction, autocommit on, read-write, default isolation and holdability, no network timeout, and, when a
 * statement may have changed session state, a {@code DISCARD ALL} (which resets settings and roles, drops temporary
 * tables and prepared statements, closes cursors, releases session advisory locks and stops LISTEN). A clean
 * connection costs no round trip.
 */
final class SessionReset {
    private final boolean always;

    SessionReset(boolean always) {
        this.always = always;
    }

    /**
     * @throws SQLException if the connection cannot be cleaned; the caller then closes it
     */
    void reset(PooledConnection pc) throws SQLException {
        Connection c = pc.connection();
        boolean rolledBack = false;
        if (inTransaction(c)) {
            c.rollback();
            rolledBack = true;
        }
        if (!c.getAutoCommit()) {
            if (!rolledBack) {
                c.rollback();
            }
            c.setAutoCommit(true);
        }
        if (c.isReadOnly()) {
            c.setReadOnly(false);
        }
        if (pc.jdbcStateChanged()) {
            if (c.getTransactionIsolation() != pc.defaultIsolation) {
                c.setTransactionIsolation(pc.defaultIsolation);
            }
            if (c.getHoldability() != pc.defaultHoldability) {
                c.setHoldability(pc.defaultHoldability);
            }
            c.setNetworkTimeout(Runnable::run, 0);
            c.setTypeMap(Map.of());
        }
        if (always || pc.sessionChanged()) {
            try (Statement s = c.createStatement()) {
                s.execute("DISCARD ALL");
            }
        }
        c.clearWarnings();
        pc.clearNotes();
    }

    private static boolean inTransaction(Connection c) throws SQLException {
        if (c.isWrapperFor(BaseConnection.class)) {
            return c.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
        }
        return false; // not pgjdbc: covered by the autocommit check
    }
}

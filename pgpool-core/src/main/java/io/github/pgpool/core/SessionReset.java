package io.github.pgpool.core;

import io.github.pgpool.api.SessionResetMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.postgresql.core.TransactionState;

/**
 * Cleans a connection that comes back, so that the next borrower gets what a fresh connection would give: no open
 * transaction, autocommit on, read-write, default isolation and holdability, no network timeout, and, when a
 * statement may have changed session state, a {@code DISCARD ALL} (which resets settings and roles, drops temporary
 * tables and prepared statements, closes cursors, releases session advisory locks and stops LISTEN). A clean
 * connection costs no round trip.
 */
final class SessionReset {
    private final SessionResetMode mode;
    private final Duration timeout;

    /**
     * @param mode when to discard session state: after statements that may have changed it, on every return, or
     *     never (behind PgBouncer in transaction pooling, where session state is not the pool's to keep or reset)
     * @param timeout the longest a reset's round trips may take (ValidationTimeout): a connection whose link went
     *     silent is given up instead of holding the returning thread
     */
    SessionReset(SessionResetMode mode, Duration timeout) {
        this.mode = mode;
        this.timeout = timeout;
    }

    /**
     * @return whether a reset can make the connection clean: not if a statement left state behind that
     *     {@code DISCARD ALL} does not undo (unless resets are off, behind PgBouncer)
     */
    boolean canClean(PooledConnection pc) {
        return mode == SessionResetMode.NONE || !pc.outlivesReset();
    }

    /**
     * @throws SQLException if the connection cannot be cleaned; the caller then closes it
     */
    void reset(PooledConnection pc) throws SQLException {
        Connection c = pc.connection();
        boolean inTransaction = pc.pg() != null && pc.pg().getTransactionState() != TransactionState.IDLE;
        boolean discard = mode == SessionResetMode.ALWAYS || mode == SessionResetMode.DETECT && pc.sessionChanged();
        DriverDefaults driverDefaults = pc.profile().driverDefaults();
        if (driverDefaults != null) {
            driverDefaults.restore(pc.pg()); // no round trip: these live in the driver
        }
        if (!inTransaction && c.getAutoCommit() && !c.isReadOnly() && !pc.jdbcStateChanged() && !discard) {
            c.clearWarnings();
            return; // clean: no round trip
        }
        Validation.Bounded bound = pc.pg() != null ? Validation.Bounded.by(c, timeout) : null;
        try {
            if (inTransaction && c.getAutoCommit()) {
                // BEGIN run as SQL: pgjdbc refuses rollback() in autocommit, the server still has it open.
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                }
            } else if (inTransaction || !c.getAutoCommit()) {
                c.rollback();
            }
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            if (c.isReadOnly()) {
                c.setReadOnly(false);
            }
            if (pc.jdbcStateChanged()) {
                if (c.getTransactionIsolation() != pc.profile().isolation()) {
                    c.setTransactionIsolation(pc.profile().isolation());
                }
                if (c.getHoldability() != pc.profile().holdability()) {
                    c.setHoldability(pc.profile().holdability());
                }
                c.setTypeMap(Map.of());
            }
            if (discard) {
                try (Statement s = c.createStatement()) {
                    s.execute(pc.profile().discardStatement());
                }
            }
        } finally {
            if (bound != null) {
                bound.close();
            }
        }
        if (pc.jdbcStateChanged()) {
            c.setNetworkTimeout(Validation.DIRECT, 0); // the application may have set one
        }
        c.clearWarnings();
        pc.clearNotes();
    }

}

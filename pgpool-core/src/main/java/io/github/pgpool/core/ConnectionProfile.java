package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * What the pool learns about a physical connection once, when it is opened: the JDBC defaults to restore on return,
 * the statement that discards session state and restores the login settings, the server's
 * {@code idle_session_timeout}, after which the server itself closes an idle session, and its
 * {@code max_prepared_transactions}, without which XA cannot commit ({@link XaReadiness}).
 *
 * @param isolation the default transaction isolation
 * @param holdability the default result set holdability
 * @param discardStatement {@code DISCARD ALL} plus {@code SET}s that restore what pgjdbc set at login
 *     (application name, time zone, date and interval style, float digits), which DISCARD ALL resets too
 * @param serverIdleTimeoutNanos the server's idle_session_timeout, or 0 if none
 * @param driverDefaults pgjdbc's per-connection settings to restore on return, or {@code null} if the connection is
 *     not pgjdbc's
 * @param maxPreparedTransactions the server's max_prepared_transactions, or {@link XaReadiness#UNKNOWN} if the
 *     connection is not pgjdbc's
 */
record ConnectionProfile(int isolation, int holdability, String discardStatement, long serverIdleTimeoutNanos,
        DriverDefaults driverDefaults, int maxPreparedTransactions) {
    private static final String[] LOGIN_PARAMETERS = {"application_name", "TimeZone", "DateStyle", "IntervalStyle"};

    /** Reads the profile; one round trip on a pgjdbc connection. */
    static ConnectionProfile read(Connection c) throws SQLException {
        int isolation = c.getTransactionIsolation();
        int holdability = c.getHoldability();
        StringBuilder discard = new StringBuilder("DISCARD ALL");
        if (!c.isWrapperFor(PGConnection.class)) {
            return new ConnectionProfile(isolation, holdability, discard.toString(), 0, null, XaReadiness.UNKNOWN);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        Map<String, String> reported = pg.getParameterStatuses();
        for (String name : LOGIN_PARAMETERS) {
            String value = reported.get(name);
            if (value != null) {
                discard.append("; SET ").append(name).append(" = ").append(literal(value));
            }
        }
        long idleTimeoutMillis = 0;
        int maxPrepared = XaReadiness.UNKNOWN;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT "
                + "current_setting('extra_float_digits'), "
                + "(SELECT setting::bigint FROM pg_settings WHERE name = 'idle_session_timeout'), "
                + "current_setting('max_prepared_transactions')::int")) {
            if (rs.next()) {
                discard.append("; SET extra_float_digits = ").append(literal(rs.getString(1)));
                idleTimeoutMillis = rs.getLong(2); // NULL (before PostgreSQL 14) reads as 0
                maxPrepared = rs.getInt(3);
            }
        }
        return new ConnectionProfile(isolation, holdability, discard.toString(), idleTimeoutMillis * 1_000_000L,
                DriverDefaults.read(pg), maxPrepared);
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}

package io.github.pgpool.core;

import java.sql.SQLException;

/**
 * Decides whether an error means the physical connection can no longer be trusted. The SQLState classes are those
 * after which PostgreSQL or pgjdbc leave the session unusable: connection exceptions (08), insufficient resources
 * (53), operator intervention (57P01-57P03, 57P05 idle_session_timeout; not 57014, a cancelled query), system errors
 * (58), pgjdbc's own unknown state (99), configuration file errors (F0) and internal errors (XX). Class 60 is not
 * PostgreSQL's: it is pgjdbc's own {@code SYSTEM_ERROR} (60000), raised when the driver itself failed in a way that
 * leaves its view of the protocol in doubt, so the connection cannot be trusted for the next borrower.
 */
public final class FatalErrors {
    private FatalErrors() {
    }

    /**
     * @param e an error, with its chain of next exceptions and causes
     * @return whether it or anything chained to it carries a fatal SQLState
     */
    public static boolean isFatal(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException && isFatalState(((SQLException) t).getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param sqlState a five-character SQLState, or {@code null}
     * @return whether that state marks the connection as unusable
     */
    public static boolean isFatalState(String sqlState) {
        if (sqlState == null || sqlState.length() < 2) {
            return false;
        }
        switch (sqlState.substring(0, 2)) {
            case "08":
            case "53":
            case "58":
            case "60":
            case "99":
            case "F0":
            case "XX":
                return true;
            case "57":
                return sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03")
                        || sqlState.equals("57P05");
            default:
                return false;
        }
    }

    /**
     * @param e an error, with its chain
     * @return whether it says the server refused a write because it is read-only (SQLState 25006), as a demoted
     *     primary does
     */
    public static boolean isReadOnly(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException && "25006".equals(((SQLException) t).getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException && ((SQLException) t).getNextException() != null) {
            return ((SQLException) t).getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}

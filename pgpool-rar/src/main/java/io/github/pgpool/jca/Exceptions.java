package io.github.pgpool.jca;

import jakarta.resource.ResourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import javax.transaction.xa.XAException;

/** Conversions between the exception types of JDBC, XA and the Connectors API. */
final class Exceptions {
    private Exceptions() {
    }

    /**
     * @return the first {@link SQLException} in the cause chain of {@code e} (pgpool's own, such as a pool timeout,
     *     thrown as is), else an SQLException (08001) with the server's message and {@code e} as its cause
     */
    static SQLException toSqlException(ResourceException e) {
        SQLException ours = firstSqlCause(e);
        return ours != null ? ours : new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
    }

    /** @return the first {@link SQLException} among the causes of {@code e}, or null */
    static SQLException firstSqlCause(Throwable e) {
        int depth = 0;
        for (Throwable t = e.getCause(); t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }

    /** @return an XAException with an error code, a message and a cause */
    static XAException xa(int errorCode, String message, Throwable cause) {
        XAException x = new XAException(message);
        x.errorCode = errorCode;
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }

    /** Closes a connection while another failure is being reported; a second failure is attached to the first. */
    static void closeQuietly(Connection c, Exception reported) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            reported.addSuppressed(e);
        }
    }
}

package io.github.pgpool.api;

import java.sql.SQLNonTransientConnectionException;

/**
 * The pool was closed (for example because the resource adapter was undeployed) before or while a connection was
 * requested. Trying again will not help.
 */
public final class PoolClosedException extends SQLNonTransientConnectionException {
    private static final long serialVersionUID = 1L;

    /** SQLState 08003, "connection does not exist". */
    public static final String SQL_STATE = "08003";

    /** @param poolName the name of the closed pool */
    public PoolClosedException(String poolName) {
        super("pgpool " + poolName + " is closed", SQL_STATE);
    }
}

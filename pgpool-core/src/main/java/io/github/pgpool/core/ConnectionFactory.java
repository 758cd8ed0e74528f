package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens physical connections for the pool. The production implementation is {@link PgConnectionFactory}; tests of
 * the pool algorithm may supply a stub.
 */
@FunctionalInterface
public interface ConnectionFactory {
    /**
     * Opens one physical connection. Called outside every pool lock; may block up to the connect timeout.
     *
     * @param credentials the user and password to log in with
     * @return an open connection in autocommit mode
     * @throws SQLException if the database cannot be reached or refuses the login
     */
    Connection open(Credentials credentials) throws SQLException;

    /**
     * Opens one physical connection, giving up after {@code timeout}. The pool passes what is left of the
     * borrower's MaxWait (capped by ConnectTimeout), so that a database that accepts TCP but never answers cannot hold
     * a borrower beyond MaxWait. The default ignores the timeout, for factories that never block.
     */
    default Connection open(Credentials credentials, java.time.Duration timeout) throws SQLException {
        return open(credentials);
    }
}

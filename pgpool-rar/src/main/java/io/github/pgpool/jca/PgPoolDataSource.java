package io.github.pgpool.jca;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.core.PgPool;
import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.naming.Reference;
import javax.sql.DataSource;

/**
 * The connection factory applications get from JNDI or by injection: a {@link DataSource} whose connections come
 * from the application server's connection manager and, behind it, from pgpool.
 *
 * <p>{@link #getConnection()} leases the PostgreSQL connection before it returns, so that a pool timeout reaches the
 * application as pgpool's own {@link io.github.pgpool.api.PoolTimeoutException} (a
 * {@link java.sql.SQLTransientConnectionException}), not wrapped in a server exception.
 *
 * <p>{@link #unwrap unwrap(PgPool.class)} gives the pool, for statistics and administration.
 */
public class PgPoolDataSource implements DataSource, Serializable, Referenceable {
    private static final long serialVersionUID = 1L;

    private final PgPoolManagedConnectionFactory factory;
    private final ConnectionManager connectionManager;
    private Reference reference;

    /**
     * @param factory the managed connection factory that created this data source
     * @param connectionManager the server's connection manager
     */
    PgPoolDataSource(PgPoolManagedConnectionFactory factory, ConnectionManager connectionManager) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.connectionManager = Objects.requireNonNull(connectionManager, "connectionManager");
    }

    /**
     * @throws io.github.pgpool.api.PoolTimeoutException if no connection became free within MaxWait
     * @throws SQLException if the database refused the login, the settings are invalid or the adapter stopped
     */
    @Override
    public Connection getConnection() throws SQLException {
        return allocate(null);
    }

    /** A connection of another database user; pgpool never lends it to a borrower with other credentials. */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return allocate(new PgPoolConnectionRequestInfo(Credentials.of(user, password)));
    }

    private Connection allocate(ConnectionRequestInfo info) throws SQLException {
        return LeaseFailures.during(() -> allocateAndLease(info));
    }

    private Connection allocateAndLease(ConnectionRequestInfo info) throws SQLException {
        Object handle;
        try {
            handle = allocateHandle(info);
        } catch (ResourceException e) {
            throw Exceptions.toSqlException(e);
        } catch (RuntimeException e) {
            // Some transaction managers report a failed enlistment (XA start) unchecked.
            SQLException ours = Exceptions.firstSqlCause(e);
            if (ours != null) {
                throw ours;
            }
            throw e;
        }
        if (handle instanceof PgPoolConnection) {
            PgPoolConnection connection = (PgPoolConnection) handle;
            try {
                connection.leaseNow();
            } catch (SQLException e) {
                // Give the managed connection back to the server before reporting pgpool's own exception.
                Exceptions.closeQuietly(connection, e);
                throw e;
            }
        }
        return (Connection) handle;
    }

    /** Asks the server for a handle; through Payara's gap while it re-creates the pool ({@link ServerPoolGap}). */
    private Object allocateHandle(ConnectionRequestInfo info) throws ResourceException {
        long deadline = 0;
        for (;;) {
            try {
                return connectionManager.allocateConnection(factory, info);
            } catch (ResourceException | RuntimeException e) {
                if (!ServerPoolGap.isGap(e)) {
                    throw e;
                }
                if (deadline == 0) {
                    deadline = System.nanoTime() + factory.settings().maxWait().toNanos();
                }
                if (!ServerPoolGap.pauseUntil(deadline)) {
                    throw e;
                }
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgpool logs through System.Logger.
    }

    /** Not supported: the wait is pgpool's MaxWait setting (and ConnectTimeout for opening one connection). */
    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("pgpool: set MaxWait and ConnectTimeout in the pool settings");
    }

    /** @return MaxWait in whole seconds, or 0 if the settings are invalid */
    @Override
    public int getLoginTimeout() {
        try {
            return (int) factory.settings().maxWait().toSeconds();
        } catch (ResourceException e) {
            return 0;
        }
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.github.pgpool");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type == PgPool.class) {
            try {
                return type.cast(factory.pool());
            } catch (ResourceException e) {
                throw Exceptions.toSqlException(e);
            }
        }
        throw new SQLException("pgpool data source is not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this) || type == PgPool.class;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "PgPoolDataSource{" + factory + "}";
    }
}

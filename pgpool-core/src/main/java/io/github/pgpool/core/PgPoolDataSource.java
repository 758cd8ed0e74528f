package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * pgpool for Java SE applications: a {@link DataSource} whose connections come from a {@link PgPool} and go back to
 * it when closed. Closing the data source closes the pool.
 *
 * <pre>{@code
 * try (PgPoolDataSource ds = new PgPoolDataSource(PoolSettings.builder().databaseName("shop").user("app").build())) {
 *     try (Connection c = ds.getConnection()) { ... }
 * }
 * }</pre>
 */
public final class PgPoolDataSource implements DataSource, AutoCloseable {
    /** The current pool; replaced by {@link #reconfigure}. Borrowers that read the one before are served too. */
    private volatile PgPool pool;

    /** Starts a pool with these settings. */
    public PgPoolDataSource(PoolSettings settings) {
        this(PgPool.start(settings));
    }

    /** Serves connections from an existing pool, which this data source then owns. */
    public PgPoolDataSource(PgPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Changes the settings while the data source serves (a rotated password, another MaxSize, ...), without failing a
     * borrower: the pool is {@linkplain PgPool#replaceWith replaced} by one with the new settings, which counts the
     * old pool's connections against its MaxSize until they are closed (idle ones now, those in use when they come
     * back). Connections already handed out keep working until the application closes them.
     *
     * @throws io.github.pgpool.api.PoolClosedException if this data source was closed
     * @throws io.github.pgpool.api.InvalidSettingException if a driver property is unknown to pgjdbc; the data
     *     source then goes on with its old settings
     */
    public synchronized void reconfigure(PoolSettings settings) throws SQLException {
        pool = pool.replaceWith(Objects.requireNonNull(settings, "settings"));
    }

    /** @return the pool behind this data source now, for statistics and administration */
    public PgPool pool() {
        return pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return new Handle(pool.borrow());
    }

    /** Borrows a connection of another database user; connections are never shared between credentials. */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return new Handle(pool.borrow(Credentials.of(user, password)));
    }

    @Override
    public synchronized void close() {
        pool.close();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgpool logs through System.Logger.
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("pgpool: set MaxWait and ConnectTimeout in the pool settings");
    }

    @Override
    public int getLoginTimeout() {
        return (int) pool.settings().maxWait().toSeconds();
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
        if (type.isInstance(pool)) {
            return type.cast(pool);
        }
        throw new SQLException("pgpool data source is not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this) || type.isInstance(pool);
    }

    @Override
    public String toString() {
        return "PgPoolDataSource{" + pool + "}";
    }

    /** A connection of a Java SE borrower: closing it gives the pooled connection back. */
    private static final class Handle extends ConnectionHandle {
        private final PooledConnection lease;

        Handle(PooledConnection lease) {
            this.lease = lease;
        }

        @Override
        protected PooledConnection lease() throws SQLException {
            checkOpen();
            return lease;
        }

        @Override
        protected void closed() {
            lease.release();
        }
    }
}

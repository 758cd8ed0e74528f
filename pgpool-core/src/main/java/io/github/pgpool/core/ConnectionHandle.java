package io.github.pgpool.core;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The {@link Connection} an application holds: it forwards every call to the physical connection of the current
 * {@link PooledConnection} and adds only what pooling needs. It notes statements that may change session state (so
 * the pool cleans the session on return), notes JDBC settings changed, marks the connection broken on a fatal
 * SQLState, closes the statements it opened when it is closed, and refuses every call once closed.
 *
 * <p>Subclasses say where the pooled connection comes from ({@link #lease()}: fixed for a Java SE handle, leased on
 * first use by a resource adapter's managed connection), what closing means ({@link #closed()}), and may forbid local
 * transaction control while a global transaction runs ({@link #beforeTransactionControl}). Statements are the
 * driver's own: {@code Statement.getConnection()} returns the physical connection, which must not be closed.
 *
 * <p>A handle is used by one thread at a time, like any JDBC connection.
 */
public abstract class ConnectionHandle implements Connection {
    /** Statements opened through this handle and maybe still open; pruned as it grows. */
    private ArrayList<Statement> statements; // made on the first statement: many handles open none
    /** Volatile: a server may invalidate a handle from another thread than the one using it. */
    private volatile boolean closed;

    /**
     * @return the pooled connection this handle currently works on
     * @throws SQLException if none can be had (for example MaxWait ran out while leasing one)
     */
    protected abstract PooledConnection lease() throws SQLException;

    /** Called once, when the application closes this handle, after its statements were closed. */
    protected abstract void closed() throws SQLException;

    /**
     * Called before commit, rollback, setAutoCommit and savepoint calls; a resource adapter throws here while the
     * connection takes part in a global (XA) transaction. Does nothing by default.
     *
     * @param operation the method about to run, for the message
     */
    protected void beforeTransactionControl(String operation) throws SQLException {
    }

    /** Called when a call failed with a fatal SQLState, after the pooled connection was marked broken. */
    protected void fatalError(SQLException e) {
    }

    /** @throws SQLException with SQLState 08003 if this handle was closed */
    protected final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("This pgpool connection handle is closed", "08003");
        }
    }

    /** Marks this handle closed without the {@link #closed()} callback, e.g. when its managed connection is gone. */
    protected final void invalidate() {
        closed = true;
    }

    /**
     * Records a failure of a call on {@code lease}; a fatal one marks the pooled connection broken.
     *
     * @return {@code e}, for {@code throw noteError(lease, e)}
     */
    protected final SQLException noteError(PooledConnection lease, SQLException e) {
        if (lease.noteError(e)) {
            fatalError(e);
        }
        return e;
    }

    private <S extends Statement> S track(S statement) {
        if (statements == null) {
            statements = new ArrayList<>(4);
        } else if (statements.size() >= 16) {
            statements.removeIf(ConnectionHandle::isClosedQuietly);
        }
        statements.add(statement);
        return statement;
    }

    private static boolean isClosedQuietly(Statement s) {
        try {
            return s.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Closes the statements opened through this handle; errors are ignored, as the connection goes back anyway. */
    protected final void closeStatements() {
        if (statements == null) {
            return;
        }
        for (Statement s : statements) {
            try {
                s.close();
            } catch (SQLException ignored) {
                // The session is cleaned or the connection closed on return; nothing more to do.
            }
        }
        statements.clear();
    }

    @Override
    public final void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        closeStatements();
        closed();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative: " + timeout, "22023");
        }
        if (closed) {
            return false;
        }
        PooledConnection lease = lease();
        return lease.connection().isValid(timeout);
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        PooledConnection lease = lease();
        lease.markBroken();
        close();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            PooledConnection lease = lease();
            lease.noteSessionChanged();
            lease.connection().setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            PooledConnection lease = lease();
            lease.noteSessionChanged();
            lease.connection().setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return lease().connection().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return lease().connection().getClientInfo();
    }

    /**
     * Unwraps to this handle or to the driver's connection ({@code org.postgresql.PGConnection} for COPY, LISTEN,
     * large objects). The driver's connection stays owned by the pool: never close it.
     */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return lease().connection().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || lease().connection().isWrapperFor(type);
    }

    @Override
    public Statement createStatement() throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().createStatement());
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().createStatement(resultSetType, resultSetConcurrency));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql, autoGeneratedKeys));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql, columnIndexes));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql, columnNames));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql, resultSetType, resultSetConcurrency));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(lease.connection().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().prepareCall(sql));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().prepareCall(sql, resultSetType, resultSetConcurrency));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(lease.connection().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().nativeSQL(sql);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("setAutoCommit");
        try {
            lease.connection().setAutoCommit(autoCommit);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getAutoCommit();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void commit() throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("commit");
        try {
            lease.connection().commit();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("rollback");
        try {
            lease.connection().rollback();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("rollback");
        try {
            lease.connection().rollback(savepoint);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getMetaData();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        PooledConnection lease = lease();
        try {
            lease.connection().setReadOnly(readOnly);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().isReadOnly();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        PooledConnection lease = lease();
        try {
            lease.connection().setCatalog(catalog);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getCatalog();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        PooledConnection lease = lease();
        lease.noteJdbcStateChanged();
        try {
            lease.connection().setTransactionIsolation(level);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getTransactionIsolation();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getWarnings();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        PooledConnection lease = lease();
        try {
            lease.connection().clearWarnings();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getTypeMap();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        PooledConnection lease = lease();
        lease.noteJdbcStateChanged();
        try {
            lease.connection().setTypeMap(map);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        PooledConnection lease = lease();
        lease.noteJdbcStateChanged();
        try {
            lease.connection().setHoldability(holdability);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getHoldability();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("setSavepoint");
        try {
            return lease.connection().setSavepoint();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("setSavepoint");
        try {
            return lease.connection().setSavepoint(name);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        PooledConnection lease = lease();
        beforeTransactionControl("releaseSavepoint");
        try {
            lease.connection().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createClob();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Blob createBlob() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createBlob();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public NClob createNClob() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createNClob();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createSQLXML();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createArrayOf(typeName, elements);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().createStruct(typeName, attributes);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            lease.connection().setSchema(schema);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getSchema();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        PooledConnection lease = lease();
        lease.noteJdbcStateChanged();
        try {
            lease.connection().setNetworkTimeout(executor, milliseconds);
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        PooledConnection lease = lease();
        try {
            return lease.connection().getNetworkTimeout();
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }
}

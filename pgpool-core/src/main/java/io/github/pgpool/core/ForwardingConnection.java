package io.github.pgpool.core;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.NClob;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;

/**
 * The calls of a connection handle that carry no pooling meaning: each is passed to the physical connection of the
 * current loan, and a failure is reported to the pool. {@link ConnectionHandle} adds what pooling needs on top.
 *
 * <p>Used by one thread at a time, like any JDBC connection.
 */
abstract class ForwardingConnection implements Connection {
    /** @return the pooled connection the handle works on now (see {@link ConnectionHandle#lease()}) */
    protected abstract PooledConnection lease() throws SQLException;

    /** Reports a failed call on {@code lease} to the pool; see {@link ConnectionHandle#noteError}. */
    abstract SQLException failed(PooledConnection lease, SQLException e);

    /** Passes a call to the current loan's physical connection; its failure is reported to the pool. */
    final <T> T call(SqlCall<Connection, T> call) throws SQLException {
        PooledConnection lease = lease();
        try {
            return call.apply(lease.connection());
        } catch (SQLException e) {
            throw failed(lease, e);
        }
    }

    /** Passes a call to the current loan's physical connection; its failure is reported to the pool. */
    final void run(SqlAction<Connection> action) throws SQLException {
        PooledConnection lease = lease();
        try {
            action.apply(lease.connection());
        } catch (SQLException e) {
            throw failed(lease, e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return call(Connection::getAutoCommit);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        run(c -> c.setReadOnly(readOnly)); // always checked on return, no note needed
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return call(Connection::isReadOnly);
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        run(c -> c.setCatalog(catalog)); // PostgreSQL ignores it: a connection's database is fixed
    }

    @Override
    public String getCatalog() throws SQLException {
        return call(Connection::getCatalog);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return call(Connection::getTransactionIsolation);
    }

    @Override
    public int getHoldability() throws SQLException {
        return call(Connection::getHoldability);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return call(Connection::getNetworkTimeout);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return call(Connection::getTypeMap);
    }

    @Override
    public String getSchema() throws SQLException {
        return call(Connection::getSchema);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return call(c -> c.nativeSQL(sql));
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return call(Connection::getWarnings);
    }

    @Override
    public void clearWarnings() throws SQLException {
        run(Connection::clearWarnings);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return call(c -> c.getClientInfo(name));
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return call(Connection::getClientInfo);
    }

    @Override
    public Clob createClob() throws SQLException {
        return call(Connection::createClob);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return call(Connection::createBlob);
    }

    @Override
    public NClob createNClob() throws SQLException {
        return call(Connection::createNClob);
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return call(Connection::createSQLXML);
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return call(c -> c.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return call(c -> c.createStruct(typeName, attributes));
    }
}

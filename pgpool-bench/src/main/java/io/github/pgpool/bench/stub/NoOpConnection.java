package io.github.pgpool.bench.stub;

import java.sql.*;

/**
 * A {@link Connection} on which every method returns at once and does nothing: {@code void} methods return,
 * the others return {@code false}, {@code 0} or {@code null}. The stub driver's classes extend it and override
 * only the calls whose answers the pools depend on, so the benchmarks measure the pools and not a driver.
 */
@SuppressWarnings({"deprecation", "RedundantThrows"})
abstract class NoOpConnection implements Connection {
    @Override
    public Statement createStatement() throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0) throws SQLException {
        return null;
    }

    @Override
    public CallableStatement prepareCall(String a0) throws SQLException {
        return null;
    }

    @Override
    public String nativeSQL(String a0) throws SQLException {
        return null;
    }

    @Override
    public void setAutoCommit(boolean a0) throws SQLException {
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return false;
    }

    @Override
    public void commit() throws SQLException {
    }

    @Override
    public void rollback() throws SQLException {
    }

    @Override
    public void close() throws SQLException {
    }

    @Override
    public boolean isClosed() throws SQLException {
        return false;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return null;
    }

    @Override
    public void setReadOnly(boolean a0) throws SQLException {
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return false;
    }

    @Override
    public void setCatalog(String a0) throws SQLException {
    }

    @Override
    public String getCatalog() throws SQLException {
        return null;
    }

    @Override
    public void setTransactionIsolation(int a0) throws SQLException {
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return 0;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
    }

    @Override
    public Statement createStatement(int a0, int a1) throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2) throws SQLException {
        return null;
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2) throws SQLException {
        return null;
    }

    @Override
    public java.util.Map<String, Class<?>> getTypeMap() throws SQLException {
        return null;
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> a0) throws SQLException {
    }

    @Override
    public void setHoldability(int a0) throws SQLException {
    }

    @Override
    public int getHoldability() throws SQLException {
        return 0;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return null;
    }

    @Override
    public Savepoint setSavepoint(String a0) throws SQLException {
        return null;
    }

    @Override
    public void rollback(Savepoint a0) throws SQLException {
    }

    @Override
    public void releaseSavepoint(Savepoint a0) throws SQLException {
    }

    @Override
    public Statement createStatement(int a0, int a1, int a2) throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) throws SQLException {
        return null;
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2, int a3) throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1) throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int[] a1) throws SQLException {
        return null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0, String[] a1) throws SQLException {
        return null;
    }

    @Override
    public Clob createClob() throws SQLException {
        return null;
    }

    @Override
    public Blob createBlob() throws SQLException {
        return null;
    }

    @Override
    public NClob createNClob() throws SQLException {
        return null;
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return null;
    }

    @Override
    public boolean isValid(int a0) throws SQLException {
        return false;
    }

    @Override
    public void setClientInfo(String a0, String a1) throws SQLClientInfoException {
    }

    @Override
    public void setClientInfo(java.util.Properties a0) throws SQLClientInfoException {
    }

    @Override
    public String getClientInfo(String a0) throws SQLException {
        return null;
    }

    @Override
    public java.util.Properties getClientInfo() throws SQLException {
        return null;
    }

    @Override
    public Array createArrayOf(String a0, Object[] a1) throws SQLException {
        return null;
    }

    @Override
    public Struct createStruct(String a0, Object[] a1) throws SQLException {
        return null;
    }

    @Override
    public void setSchema(String a0) throws SQLException {
    }

    @Override
    public String getSchema() throws SQLException {
        return null;
    }

    @Override
    public void abort(java.util.concurrent.Executor a0) throws SQLException {
    }

    @Override
    public void setNetworkTimeout(java.util.concurrent.Executor a0, int a1) throws SQLException {
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return 0;
    }

    @Override
    public <T> T unwrap(Class<T> a0) throws SQLException {
        return null;
    }

    @Override
    public boolean isWrapperFor(Class<?> a0) throws SQLException {
        return false;
    }
}

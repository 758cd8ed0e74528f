package io.github.pgpool.core;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement an application got from a {@link ConnectionHandle}; see {@link PooledStatement} for what
 * differs from the driver's. Its SQL was noted when it was prepared. Besides the execute methods, the calls that may
 * reach the server report their errors to the pool: metadata (a describe round trip), large objects (made on the
 * server) and arrays and objects (their types may be looked up). Binding plain parameters happens in the driver's
 * memory and is passed through.
 *
 * <p>Not thread-safe, like the driver's statement.
 *
 * @param <P> the driver statement's type
 */
class PooledPreparedStatement<P extends PreparedStatement> extends PooledStatement<P> implements PreparedStatement {
    PooledPreparedStatement(ConnectionHandle handle, PooledConnection lease, P delegate) {
        super(handle, lease, delegate);
    }

    @Override
    public boolean execute() throws SQLException {
        return work(PreparedStatement::execute);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return work(PreparedStatement::executeUpdate);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return call(PreparedStatement::getParameterMetaData);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return work(PreparedStatement::executeQuery);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return call(PreparedStatement::getMetaData);
    }

    @Override
    public void addBatch() throws SQLException {
        delegate.addBatch();
    }

    @Override
    public void clearParameters() throws SQLException {
        delegate.clearParameters();
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        run(p -> p.setArray(parameterIndex, x));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x, length);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, x, length);
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(parameterIndex, x);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x, length);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, x, length);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream x) throws SQLException {
        run(p -> p.setBlob(parameterIndex, x));
    }

    @Override
    public void setBlob(int parameterIndex, InputStream x, long length) throws SQLException {
        run(p -> p.setBlob(parameterIndex, x, length));
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        run(p -> p.setBlob(parameterIndex, x));
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        delegate.setBoolean(parameterIndex, x);
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        delegate.setByte(parameterIndex, x);
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        delegate.setBytes(parameterIndex, x);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x, int length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x, length);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, x, length);
    }

    @Override
    public void setClob(int parameterIndex, Reader x) throws SQLException {
        run(p -> p.setClob(parameterIndex, x));
    }

    @Override
    public void setClob(int parameterIndex, Reader x, long length) throws SQLException {
        run(p -> p.setClob(parameterIndex, x, length));
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        run(p -> p.setClob(parameterIndex, x));
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        delegate.setDate(parameterIndex, x);
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        delegate.setDate(parameterIndex, x, cal);
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        delegate.setDouble(parameterIndex, x);
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        delegate.setFloat(parameterIndex, x);
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        delegate.setInt(parameterIndex, x);
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        delegate.setLong(parameterIndex, x);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader x) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, x);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader x, long length) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, x, length);
    }

    @Override
    public void setNClob(int parameterIndex, Reader x) throws SQLException {
        run(p -> p.setNClob(parameterIndex, x));
    }

    @Override
    public void setNClob(int parameterIndex, Reader x, long length) throws SQLException {
        run(p -> p.setNClob(parameterIndex, x, length));
    }

    @Override
    public void setNClob(int parameterIndex, NClob x) throws SQLException {
        run(p -> p.setNClob(parameterIndex, x));
    }

    @Override
    public void setNString(int parameterIndex, String x) throws SQLException {
        delegate.setNString(parameterIndex, x);
    }

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        delegate.setNull(parameterIndex, sqlType);
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        delegate.setNull(parameterIndex, sqlType, typeName);
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        run(p -> p.setObject(parameterIndex, x));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        run(p -> p.setObject(parameterIndex, x, targetSqlType));
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        run(p -> p.setObject(parameterIndex, x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        delegate.setRef(parameterIndex, x);
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        delegate.setRowId(parameterIndex, x);
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML x) throws SQLException {
        delegate.setSQLXML(parameterIndex, x);
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        delegate.setShort(parameterIndex, x);
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        delegate.setString(parameterIndex, x);
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        delegate.setTime(parameterIndex, x);
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        delegate.setTime(parameterIndex, x, cal);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        delegate.setTimestamp(parameterIndex, x);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(parameterIndex, x, cal);
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        delegate.setURL(parameterIndex, x);
    }

    @Override
    public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        delegate.setUnicodeStream(parameterIndex, x, length);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return work(PreparedStatement::executeLargeUpdate);
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        run(p -> p.setObject(parameterIndex, x, targetSqlType));
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        run(p -> p.setObject(parameterIndex, x, targetSqlType, scaleOrLength));
    }
}

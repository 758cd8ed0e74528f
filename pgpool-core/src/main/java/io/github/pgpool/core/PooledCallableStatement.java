package io.github.pgpool.core;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A callable statement an application got from a {@link ConnectionHandle}; see {@link PooledStatement} for what
 * differs from the driver's. Its out parameters are read by {@link CallableByPosition} and
 * {@link CallableReadsByName}; this class sets parameters by name, passed through, except large objects, arrays and
 * objects, which may reach the server and so report their errors to the pool.
 *
 * <p>Not thread-safe, like the driver's statement.
 */
final class PooledCallableStatement extends CallableReadsByName {
    PooledCallableStatement(ConnectionHandle handle, PooledConnection lease, CallableStatement delegate) {
        super(handle, lease, delegate);
    }

    @Override
    public void setAsciiStream(String parameterName, InputStream x) throws SQLException {
        delegate.setAsciiStream(parameterName, x);
    }

    @Override
    public void setAsciiStream(String parameterName, InputStream x, int length) throws SQLException {
        delegate.setAsciiStream(parameterName, x, length);
    }

    @Override
    public void setAsciiStream(String parameterName, InputStream x, long length) throws SQLException {
        delegate.setAsciiStream(parameterName, x, length);
    }

    @Override
    public void setBigDecimal(String parameterName, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(parameterName, x);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x) throws SQLException {
        delegate.setBinaryStream(parameterName, x);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x, int length) throws SQLException {
        delegate.setBinaryStream(parameterName, x, length);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x, long length) throws SQLException {
        delegate.setBinaryStream(parameterName, x, length);
    }

    @Override
    public void setBlob(String parameterName, InputStream x) throws SQLException {
        run(c -> c.setBlob(parameterName, x));
    }

    @Override
    public void setBlob(String parameterName, InputStream x, long length) throws SQLException {
        run(c -> c.setBlob(parameterName, x, length));
    }

    @Override
    public void setBlob(String parameterName, Blob x) throws SQLException {
        run(c -> c.setBlob(parameterName, x));
    }

    @Override
    public void setBoolean(String parameterName, boolean x) throws SQLException {
        delegate.setBoolean(parameterName, x);
    }

    @Override
    public void setByte(String parameterName, byte x) throws SQLException {
        delegate.setByte(parameterName, x);
    }

    @Override
    public void setBytes(String parameterName, byte[] x) throws SQLException {
        delegate.setBytes(parameterName, x);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader x) throws SQLException {
        delegate.setCharacterStream(parameterName, x);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader x, int length) throws SQLException {
        delegate.setCharacterStream(parameterName, x, length);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader x, long length) throws SQLException {
        delegate.setCharacterStream(parameterName, x, length);
    }

    @Override
    public void setClob(String parameterName, Reader x) throws SQLException {
        run(c -> c.setClob(parameterName, x));
    }

    @Override
    public void setClob(String parameterName, Reader x, long length) throws SQLException {
        run(c -> c.setClob(parameterName, x, length));
    }

    @Override
    public void setClob(String parameterName, Clob x) throws SQLException {
        run(c -> c.setClob(parameterName, x));
    }

    @Override
    public void setDate(String parameterName, Date x) throws SQLException {
        delegate.setDate(parameterName, x);
    }

    @Override
    public void setDate(String parameterName, Date x, Calendar cal) throws SQLException {
        delegate.setDate(parameterName, x, cal);
    }

    @Override
    public void setDouble(String parameterName, double x) throws SQLException {
        delegate.setDouble(parameterName, x);
    }

    @Override
    public void setFloat(String parameterName, float x) throws SQLException {
        delegate.setFloat(parameterName, x);
    }

    @Override
    public void setInt(String parameterName, int x) throws SQLException {
        delegate.setInt(parameterName, x);
    }

    @Override
    public void setLong(String parameterName, long x) throws SQLException {
        delegate.setLong(parameterName, x);
    }

    @Override
    public void setNCharacterStream(String parameterName, Reader x) throws SQLException {
        delegate.setNCharacterStream(parameterName, x);
    }

    @Override
    public void setNCharacterStream(String parameterName, Reader x, long length) throws SQLException {
        delegate.setNCharacterStream(parameterName, x, length);
    }

    @Override
    public void setNClob(String parameterName, Reader x) throws SQLException {
        run(c -> c.setNClob(parameterName, x));
    }

    @Override
    public void setNClob(String parameterName, Reader x, long length) throws SQLException {
        run(c -> c.setNClob(parameterName, x, length));
    }

    @Override
    public void setNClob(String parameterName, NClob x) throws SQLException {
        run(c -> c.setNClob(parameterName, x));
    }

    @Override
    public void setNString(String parameterName, String x) throws SQLException {
        delegate.setNString(parameterName, x);
    }

    @Override
    public void setNull(String parameterName, int sqlType) throws SQLException {
        delegate.setNull(parameterName, sqlType);
    }

    @Override
    public void setNull(String parameterName, int sqlType, String typeName) throws SQLException {
        delegate.setNull(parameterName, sqlType, typeName);
    }

    @Override
    public void setObject(String parameterName, Object x) throws SQLException {
        run(c -> c.setObject(parameterName, x));
    }

    @Override
    public void setObject(String parameterName, Object x, int targetSqlType) throws SQLException {
        run(c -> c.setObject(parameterName, x, targetSqlType));
    }

    @Override
    public void setObject(String parameterName, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        run(c -> c.setObject(parameterName, x, targetSqlType, scaleOrLength));
    }

    @Override
    public void setRowId(String parameterName, RowId x) throws SQLException {
        delegate.setRowId(parameterName, x);
    }

    @Override
    public void setSQLXML(String parameterName, SQLXML x) throws SQLException {
        delegate.setSQLXML(parameterName, x);
    }

    @Override
    public void setShort(String parameterName, short x) throws SQLException {
        delegate.setShort(parameterName, x);
    }

    @Override
    public void setString(String parameterName, String x) throws SQLException {
        delegate.setString(parameterName, x);
    }

    @Override
    public void setTime(String parameterName, Time x) throws SQLException {
        delegate.setTime(parameterName, x);
    }

    @Override
    public void setTime(String parameterName, Time x, Calendar cal) throws SQLException {
        delegate.setTime(parameterName, x, cal);
    }

    @Override
    public void setTimestamp(String parameterName, Timestamp x) throws SQLException {
        delegate.setTimestamp(parameterName, x);
    }

    @Override
    public void setTimestamp(String parameterName, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(parameterName, x, cal);
    }

    @Override
    public void setURL(String parameterName, URL x) throws SQLException {
        delegate.setURL(parameterName, x);
    }

    @Override
    public void setObject(String parameterName, Object x, SQLType targetSqlType) throws SQLException {
        run(c -> c.setObject(parameterName, x, targetSqlType));
    }

    @Override
    public void setObject(String parameterName, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        run(c -> c.setObject(parameterName, x, targetSqlType, scaleOrLength));
    }}

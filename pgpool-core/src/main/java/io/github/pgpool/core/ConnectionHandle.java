package io.github.pgpool.core;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.postgresql.jdbc.PgConnection;

/**
 * The {@link Connection} an application holds. It works on the physical connection of the current
 * {@link PooledConnection} and adds only what pooling needs: it notes what the next borrower must not inherit (SQL
 * that may change the session, JDBC settings changed, the physical connection handed out), reports fatal errors, hands
 * out statements and metadata that lead back to this handle rather than to the physical connection, closes its
 * statements when it is closed, and refuses every call once closed. Calls without pooling meaning are passed through
 * by {@link ForwardingConnection}.
 *
 * <p>Subclasses say where the pooled connection comes from ({@link #lease()}: fixed for a Java SE handle, leased on
 * first use by a resource adapter's managed connection), what closing means ({@link #closed()}), and may forbid local
 * transaction control while a global transaction runs ({@link #beforeTransactionControl}).
 *
 * <p>A handle is used by one thread at a time, like any JDBC connection; only {@link #invalidate()} may come from
 * another thread.
 */
public abstract class ConnectionHandle extends ForwardingConnection {
    /** A handle seldom has more statements open at once; beyond this many, closed ones are dropped from the list. */
    private static final int PRUNE_AT = 16;
    /** Statements opened through this handle and maybe still open; made on the first statement. */
    private ArrayList<Statement> statements;
    /** Volatile: a server may invalidate a handle from another thread than the one using it. */
    private volatile boolean closed;

    /**
     * @return the pooled connection this handle works on now; also the check that the handle may work at all
     * @throws SQLException if it may not (closed; a resource adapter's transaction ended) or none can be had (for
     *     example MaxWait ran out while leasing one)
     */
    @Override
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

    @Override
    final SQLException failed(PooledConnection lease, SQLException e) {
        return noteError(lease, e);
    }

    /**
     * A statement made on {@code lease} is about to work on the server: the handle must still be allowed to work
     * ({@link #lease()} says so), and on that same loan.
     */
    final void beginWork(PooledConnection lease) throws SQLException {
        if (lease() != lease) {
            throw new SQLNonTransientConnectionException("pgpool: this statement belongs to a physical connection "
                    + "its handle no longer works on; prepare it again", "08003");
        }
    }

    // ---- Statements and metadata: they lead back to this handle ------------------------------------------------

    private <S extends Statement> S track(S statement) {
        if (statements == null) {
            statements = new ArrayList<>(4);
        } else if (statements.size() >= PRUNE_AT) {
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

    /** A plain statement: its SQL is noted when it runs. */
    private Statement statement(SqlCall<Connection, Statement> create) throws SQLException {
        PooledConnection lease = lease();
        try {
            return track(new PooledStatement<>(this, lease, create.apply(lease.connection())));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    /** A prepared statement: its SQL is noted now, before the driver may prepare it on the server. */
    private PreparedStatement prepared(String sql, SqlCall<Connection, PreparedStatement> create) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSql(sql);
        try {
            return track(new PooledPreparedStatement<>(this, lease, create.apply(lease.connection())));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    /** A call: a procedure or function may do anything to the session, so the session is reset on return. */
    private CallableStatement callable(SqlCall<Connection, CallableStatement> create) throws SQLException {
        PooledConnection lease = lease();
        lease.noteSessionChanged();
        try {
            return track(new PooledCallableStatement(this, lease, create.apply(lease.connection())));
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    @Override
    public Statement createStatement() throws SQLException {
        return statement(Connection::createStatement);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return statement(c -> c.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return statement(c -> c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql, autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql, columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql, columnNames));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return prepared(sql, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return callable(c -> c.prepareCall(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return callable(c -> c.prepareCall(sql, resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return callable(c -> c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    /** @return the driver's metadata, whose {@code getConnection()} answers this handle */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        PooledConnection lease = lease();
        Connection c = lease.connection();
        if (lease.pg() instanceof PgConnection) {
            return new PooledMetaData(this, (PgConnection) lease.pg());
        }
        try {
            return c.getMetaData(); // not pgjdbc's (a test's stub): nothing to wrap it around
        } catch (SQLException e) {
            throw noteError(lease, e);
        }
    }

    // ---- Transaction control -----------------------------------------------------------------------------------

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        beforeTransactionControl("setAutoCommit");
        run(c -> c.setAutoCommit(autoCommit));
    }

    @Override
    public void commit() throws SQLException {
        beforeTransactionControl("commit");
        run(Connection::commit);
    }

    @Override
    public void rollback() throws SQLException {
        beforeTransactionControl("rollback");
        run(Connection::rollback);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        beforeTransactionControl("rollback");
        run(c -> c.rollback(savepoint));
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        beforeTransactionControl("setSavepoint");
        return call(Connection::setSavepoint);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        beforeTransactionControl("setSavepoint");
        return call(c -> c.setSavepoint(name));
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        beforeTransactionControl("releaseSavepoint");
        run(c -> c.releaseSavepoint(savepoint));
    }

    // ---- Settings the next borrower must not inherit -----------------------------------------------------------

    /** Runs a change of a JDBC setting that the return path restores. */
    private void changeJdbcState(SqlAction<Connection> change) throws SQLException {
        lease().noteJdbcStateChanged();
        run(change);
    }

    /** Runs a change of session state that the return path discards. */
    private void changeSession(SqlAction<Connection> change) throws SQLException {
        lease().noteSessionChanged();
        run(change);
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        changeJdbcState(c -> c.setTransactionIsolation(level));
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        changeJdbcState(c -> c.setHoldability(holdability));
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        changeJdbcState(c -> c.setTypeMap(map));
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        changeJdbcState(c -> c.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        changeSession(c -> c.setSchema(schema));
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            changeSession(c -> c.setClientInfo(name, value));
        } catch (SQLException e) {
            throw asClientInfoException(e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            changeSession(c -> c.setClientInfo(properties));
        } catch (SQLException e) {
            throw asClientInfoException(e);
        }
    }

    private static SQLClientInfoException asClientInfoException(SQLException e) {
        return e instanceof SQLClientInfoException ? (SQLClientInfoException) e
                : new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
    }

    /**
     * Unwraps to this handle or to the driver's connection ({@code org.postgresql.PGConnection} for COPY, LISTEN,
     * large objects). The driver's connection stays owned by the pool: never close it. What is done on it is beyond
     * the pool's sight, so the session and pgjdbc's per-connection settings are reset when it comes back.
     */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        PooledConnection lease = lease();
        T unwrapped = call(c -> c.unwrap(type));
        lease.noteRawUse();
        return unwrapped;
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || call(c -> c.isWrapperFor(type));
    }

    // ---- Life cycle --------------------------------------------------------------------------------------------

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
        return call(c -> c.isValid(timeout));
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        lease().markBroken();
        close();
    }
}

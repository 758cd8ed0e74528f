package io.github.pgpool.bench.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A statement of the stub driver: executing it returns at once with a one-row result. It allocates one small result
 * set per query, as a real driver would allocate at least that much.
 */
public final class StubPreparedStatement extends NoOpPreparedStatement {
    private final StubConnection connection;
    private boolean closed;

    StubPreparedStatement(StubConnection connection) {
        this.connection = connection;
    }

    @Override
    public ResultSet executeQuery() {
        return new StubResultSet(this);
    }

    @Override
    public ResultSet executeQuery(String sql) {
        return new StubResultSet(this);
    }

    @Override
    public boolean execute() {
        return false;
    }

    @Override
    public boolean execute(String sql) {
        return false;
    }

    @Override
    public int executeUpdate() {
        return 1;
    }

    @Override
    public int executeUpdate(String sql) {
        return 1;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public int getUpdateCount() {
        return -1;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("stub statement is not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}

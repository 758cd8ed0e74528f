package io.github.pgpool.bench.stub;

import java.sql.SQLException;
import java.sql.Statement;

/** A one-row result of the stub driver: {@code (id int = 1, name text = "stub")}. */
public final class StubResultSet extends NoOpResultSet {
    private final StubPreparedStatement statement;
    private int row;
    private boolean closed;

    StubResultSet(StubPreparedStatement statement) {
        this.statement = statement;
    }

    @Override
    public boolean next() {
        return ++row == 1;
    }

    @Override
    public int getInt(int column) {
        return 1;
    }

    @Override
    public int getInt(String column) {
        return 1;
    }

    @Override
    public String getString(int column) {
        return "stub";
    }

    @Override
    public String getString(String column) {
        return "stub";
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public Statement getStatement() {
        return statement;
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
        throw new SQLException("stub result set is not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}

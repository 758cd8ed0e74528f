package io.github.pgpool.core;

import java.sql.Connection;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.jdbc.PgDatabaseMetaData;

/**
 * The database metadata an application got from a {@link ConnectionHandle}: pgjdbc's own, working on the loan's
 * physical connection, except that {@link #getConnection()} answers the handle, so the physical connection never
 * reaches the application this way. Its queries are the driver's catalogue queries, which change no session state.
 *
 * <p>Not thread-safe, like the driver's metadata.
 */
final class PooledMetaData extends PgDatabaseMetaData {
    private final ConnectionHandle handle;

    PooledMetaData(ConnectionHandle handle, PgConnection connection) {
        super(connection);
        this.handle = handle;
    }

    /** @return the handle this metadata was got from */
    @Override
    public Connection getConnection() {
        return handle;
    }
}

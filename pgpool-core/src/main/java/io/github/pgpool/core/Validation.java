package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.postgresql.core.BaseConnection;

/**
 * Round trips with a deadline on a pgjdbc connection. JDBC's {@code isValid} counts in whole seconds, too coarse for
 * a MaxWait of 1.5 s; a network timeout in milliseconds bounds a check on a link that went silent.
 */
final class Validation {
    /** Runs the network timeout's bookkeeping on the calling thread; pgjdbc needs no executor for it. */
    static final Executor DIRECT = Runnable::run;

    private Validation() {
    }

    /** @return whether the connection answered an empty query within {@code timeout} */
    static boolean isValid(Connection c, Duration timeout) throws SQLException {
        if (!c.isWrapperFor(BaseConnection.class)) {
            return c.isValid((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
        }
        if (c.isClosed()) {
            return false;
        }
        try (Bounded ignored = Bounded.by(c, timeout); Statement s = c.createStatement()) {
            s.execute("");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Bounds every round trip on a connection until closed, then restores the previous network timeout. */
    static final class Bounded implements AutoCloseable {
        private final Connection connection;
        private final int saved;

        private Bounded(Connection connection, int saved) {
            this.connection = connection;
            this.saved = saved;
        }

        static Bounded by(Connection c, Duration timeout) throws SQLException {
            int saved = c.getNetworkTimeout();
            c.setNetworkTimeout(DIRECT, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return new Bounded(c, saved);
        }

        @Override
        public void close() throws SQLException {
            if (!connection.isClosed()) {
                connection.setNetworkTimeout(DIRECT, saved);
            }
        }
    }
}

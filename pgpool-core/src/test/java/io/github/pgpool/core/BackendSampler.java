package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a database's client backends in {@code pg_stat_activity} as often as it can, on a thread of its own, and
 * keeps the highest count seen: what the server saw, which is what MaxSize promises. Only for tests.
 */
final class BackendSampler implements AutoCloseable {
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger samples = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Exception failure;

    BackendSampler(String database) {
        thread = new Thread(() -> run(database), "backend-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String database) {
        try (Connection c = TestDatabase.admin();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE datname = ? AND backend_type = 'client backend'")) {
            s.setString(1, database);
            while (!stop) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    peak.accumulateAndGet(rs.getInt(1), Math::max);
                    samples.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            failure = e;
        }
    }

    /** @return the highest number of backends seen so far */
    int peak() {
        return peak.get();
    }

    int samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
        if (failure != null) {
            throw new IllegalStateException("the backend sampler failed", failure);
        }
    }
}

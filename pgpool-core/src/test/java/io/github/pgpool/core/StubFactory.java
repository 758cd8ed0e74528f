package io.github.pgpool.core;

import io.github.pgpool.api.Credentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens {@link StubConnection}s, counts how many are open at once (to check MaxSize under any interleaving), and
 * can be told to fail the next attempts.
 */
final class StubFactory implements ConnectionFactory {
    final List<StubConnection> opened = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile String failureState = "08001";
    volatile boolean failForever;

    @Override
    public Connection open(Credentials credentials) throws SQLException {
        attempts.incrementAndGet();
        if (failForever || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLException("Connection to 127.0.0.1:5432 refused (stub)", failureState);
        }
        StubConnection c = new StubConnection(opened.size() + 1, credentials.user());
        opened.add(c);
        return c.proxy;
    }

    /** @return physical connections not yet closed by the pool */
    int open() {
        int n = 0;
        for (StubConnection c : opened) {
            if (!c.closed) {
                n++;
            }
        }
        return n;
    }

    StubConnection stubOfProxy(Connection proxy) {
        for (StubConnection c : opened) {
            if (c.proxy == proxy) {
                return c;
            }
        }
        throw new AssertionError("not a stub connection");
    }

    StubConnection stubOf(PooledConnection pc) {
        for (StubConnection c : opened) {
            if (c.proxy == pc.connection()) {
                return c;
            }
        }
        throw new AssertionError("not a stub connection: " + pc);
    }
}

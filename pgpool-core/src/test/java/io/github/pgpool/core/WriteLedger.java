package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Writers that commit numbered rows through a pool while servers fail under them, and the books they keep: every
 * commit the database acknowledged (with when), and every request that failed (with when it started and its
 * SQLState). The acknowledged ids are later looked for on the surviving server: none may be missing. Lock-free
 * (concurrent collections); the writer threads are this class's own.
 */
final class WriteLedger implements AutoCloseable {
    /** The table the writers insert into; {@link #TABLE_DDL} creates it. */
    static final String TABLE_DDL = "CREATE TABLE ledger (id bigint PRIMARY KEY, writer int NOT NULL, "
            + "at timestamptz NOT NULL DEFAULT clock_timestamp())";

    /** One failed request. */
    record Failure(long id, long startedNanos, long failedNanos, String sqlState, String message) {
    }

    private final DataSource ds;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean stop;

    /** @param firstId one less than the first id written, so that ledgers of one table never collide */
    WriteLedger(DataSource ds, int writerCount, long firstId) {
        this.ds = ds;
        nextId.set(firstId);
        for (int w = 0; w < writerCount; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(writer), "pgpool-h3-writer-" + w);
            t.setDaemon(true);
            writers.add(t);
        }
    }

    void start() {
        writers.forEach(Thread::start);
    }

    private void write(int writer) {
        while (!stop) {
            long id = nextId.incrementAndGet();
            long started = System.nanoTime();
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (id, writer) VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setInt(2, writer);
                    ps.executeUpdate();
                }
                c.commit();
                acknowledged.put(id, System.nanoTime());
            } catch (SQLException e) {
                failures.add(new Failure(id, started, System.nanoTime(), e.getSQLState(), e.getMessage()));
            } catch (RuntimeException e) {
                failures.add(new Failure(id, started, System.nanoTime(), "(none)", e.toString()));
            }
        }
    }

    /** @return commits acknowledged so far */
    int commits() {
        return acknowledged.size();
    }

    /** @return the earliest acknowledgement at or after {@code nanos}, or {@code null} if there is none yet */
    Long firstCommitAfter(long nanos) {
        Long first = null;
        for (long at : acknowledged.values()) {
            if (at - nanos >= 0 && (first == null || at - first < 0)) {
                first = at;
            }
        }
        return first;
    }

    /** @return commits acknowledged at or after {@code nanos} */
    long commitsAfter(long nanos) {
        return acknowledged.values().stream().filter(at -> at - nanos >= 0).count();
    }

    List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /** @return the acknowledged ids */
    java.util.Set<Long> acknowledgedIds() {
        return new java.util.HashSet<>(acknowledged.keySet());
    }

    /** Stops the writers and waits for each to finish its request. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : writers) {
            t.join(60_000);
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " is still in a request 60s after the stop: " + t.getState()
                        + " " + java.util.Arrays.toString(t.getStackTrace()));
            }
        }
    }
}

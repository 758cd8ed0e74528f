package io.github.pgpool.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples, on a platform thread of its own, what a load test must bound: the test database's client backends in
 * {@code pg_stat_activity}, the pool's total and waiting borrowers, and whether the recent-time clock thread runs as
 * a platform daemon thread. Peaks are written by the sampler thread only and read after {@link #stop()} joined it.
 */
final class PeakSampler {
    /** What the sampler saw. */
    record Peaks(int backends, int poolTotal, int waiting, int samples, boolean clockThread) {
    }

    private final TestDatabase db;
    private final PgPool pool;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;
    private int backends;
    private int poolTotal;
    private int waiting;
    private int samples;
    private boolean clockThread;

    private PeakSampler(TestDatabase db, PgPool pool) {
        this.db = db;
        this.pool = pool;
        this.thread = new Thread(this::run, "peak-sampler");
        thread.setDaemon(true);
    }

    static PeakSampler start(TestDatabase db, PgPool pool) {
        PeakSampler s = new PeakSampler(db, pool);
        s.thread.start();
        return s;
    }

    /** Stops sampling, after one last sample, and returns the peaks. */
    Peaks stop() throws InterruptedException {
        stopped = true;
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new AssertionError("the sampler did not stop within 30 s");
        }
        if (failure.get() != null) {
            throw new AssertionError("sampling failed", failure.get());
        }
        return new Peaks(backends, poolTotal, waiting, samples, clockThread);
    }

    private void run() {
        try (Connection admin = TestDatabase.admin(); PreparedStatement count = admin.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend'")) {
            count.setString(1, db.name);
            boolean last = false;
            while (!last) {
                last = stopped; // one more sample after stop() was asked
                sample(count);
                LockSupport.parkNanos(2_000_000L); // a sampling interval, not a synchronisation
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private void sample(PreparedStatement count) throws SQLException {
        var s = pool.statistics();
        poolTotal = Math.max(poolTotal, s.total());
        waiting = Math.max(waiting, s.waiting());
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            backends = Math.max(backends, rs.getInt(1));
        }
        if (!clockThread && samples % 10 == 0) {
            Thread clock = VirtualThreadPoolTest.platformThread("pgpool-clock");
            clockThread = clock != null && clock.isDaemon() && !VirtualThreads.isVirtual(clock);
        }
        samples++;
    }
}

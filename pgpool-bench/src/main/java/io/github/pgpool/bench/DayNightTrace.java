package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resource use on a compressed day/night trace: {@code cycles} times, a burst of {@code maxSize} threads sending
 * requests back to back (day), then no traffic at all (night). While it runs, a sampler records every 100 ms how
 * many physical connections the pool holds (its own statistics) and how many backends PostgreSQL shows for it
 * ({@code pg_stat_activity}, by application name). Integrating the first over time gives <b>connection-seconds</b>:
 * what the pool costs the database in backends and memory over the day, whether it uses them or not.
 *
 * <p>Run as a main class it traces pgpool (Cleanup 1 s) and HikariCP (defaults: fixed size, minimumIdle =
 * maximumPoolSize) side by side, each with lifetime limits and keepalives switched off.
 */
public final class DayNightTrace {
    private static final long SAMPLE_MILLIS = 100;

    /** The outcome of one pool's trace. */
    public static final class Result {
        /** Pool id ({@link Pools.Kind#id()}). */
        public final String pool;
        /** Seconds the trace lasted, from the pool's start to its close. */
        public double seconds;
        /** Integral of the pool's open connections over time. */
        public double connectionSeconds;
        /** Integral of the pool's backends in {@code pg_stat_activity} over time. */
        public double backendSeconds;
        /** Most connections the pool held at one sample. */
        public int peakOpen;
        /** Most backends PostgreSQL showed for the pool at one sample. */
        public int peakBackends;
        /** Requests served during the bursts. */
        public long requests;
        /** Requests that failed or timed out (the Java SE trace stops at the first one, so 0 when it finishes). */
        public long failures;
        /** Time series for the chart: {seconds since start, open connections, backends}. */
        public final List<double[]> series = new ArrayList<>();

        Result(String pool) {
            this.pool = pool;
        }
    }

    private DayNightTrace() {
    }

    /**
     * Runs the trace for one pool. Blocks for {@code cycles * (burst + idle)}.
     */
    public static Result run(Pools.Kind kind, int maxSize, Duration burst, Duration idle, int cycles,
            Duration pgpoolCleanup) throws Exception {
        String appName = "pgpool-bench-trace-" + kind.id();
        Result result = new Result(kind.id());
        try (Connection monitor = PgDatabase.connect(PgDatabase.DATABASE, "pgpool-bench-monitor");
                PreparedStatement count = monitor.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            count.setString(1, appName);
            long start = System.nanoTime();
            Pools.Running pool = Pools.start(kind, PgDatabase.target(appName), maxSize, pgpoolCleanup, true);
            try {
                Thread sampler = new Thread(() -> sample(pool, count, start, result), "trace-sampler-" + kind.id());
                sampler.setDaemon(true);
                sampler.start();
                AtomicLong requests = new AtomicLong();
                for (int cycle = 0; cycle < cycles; cycle++) {
                    burst(pool, maxSize, burst, requests);
                    Thread.sleep(idle.toMillis());
                }
                result.requests = requests.get();
                sampler.interrupt();
                sampler.join();
            } finally {
                pool.close();
            }
            result.seconds = (System.nanoTime() - start) / 1e9;
        }
        return result;
    }

    /** Day: {@code threads} borrowers send requests back to back for {@code length}. */
    private static void burst(Pools.Running pool, int threads, Duration length, AtomicLong requests)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() - end < 0) {
                        try (Connection c = pool.dataSource().getConnection()) {
                            PgSelectBenchmark.select(c);
                        }
                        requests.incrementAndGet();
                    }
                } catch (SQLException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "trace-worker-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a burst request failed", failures.get(0));
        }
    }

    /** Samples until interrupted, integrating with each sample held until the next (a step function). */
    private static void sample(Pools.Running pool, PreparedStatement count, long start, Result result) {
        long last = start;
        int lastOpen = 0;
        int lastBackends = 0;
        while (!Thread.currentThread().isInterrupted()) {
            int open = pool.openConnections();
            int backends = lastBackends;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                backends = rs.getInt(1);
            } catch (SQLException e) {
                // Keep the last value; one missed sample does not change the picture.
            }
            long now = System.nanoTime();
            double dt = (now - last) / 1e9;
            result.connectionSeconds += lastOpen * dt;
            result.backendSeconds += lastBackends * dt;
            result.peakOpen = Math.max(result.peakOpen, open);
            result.peakBackends = Math.max(result.peakBackends, backends);
            result.series.add(new double[] {(now - start) / 1e9, open, backends});
            last = now;
            lastOpen = open;
            lastBackends = backends;
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
        double dt = (System.nanoTime() - last) / 1e9;
        result.connectionSeconds += lastOpen * dt;
        result.backendSeconds += lastBackends * dt;
    }

    /**
     * Runs pgpool and HikariCP at the same time (each has its own application name, so backends are told apart).
     * Arguments: none; see {@link RunAll} for the options.
     */
    public static void main(String[] args) throws Exception {
        PgDatabase.prepare();
        for (Result r : runBoth(8, Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofSeconds(1))) {
            System.out.printf("%-7s connection-s %.1f  backend-s %.1f  peak open %d  peak backends %d  requests %d%n",
                    r.pool, r.connectionSeconds, r.backendSeconds, r.peakOpen, r.peakBackends, r.requests);
        }
    }

    /** Traces pgpool and HikariCP concurrently; returns their results in that order. */
    public static List<Result> runBoth(int maxSize, Duration burst, Duration idle, int cycles, Duration cleanup)
            throws Exception {
        Result[] results = new Result[2];
        Exception[] failure = new Exception[1];
        Pools.Kind[] kinds = {Pools.Kind.PGPOOL, Pools.Kind.HIKARI};
        List<Thread> runners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    results[index] = run(kinds[index], maxSize, burst, idle, cycles, cleanup);
                } catch (Exception e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "trace-" + kinds[i].id());
            runners.add(t);
            t.start();
        }
        for (Thread t : runners) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return List.of(results);
    }
}

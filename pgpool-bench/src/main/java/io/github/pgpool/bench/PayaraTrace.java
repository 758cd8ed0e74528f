package io.github.pgpool.bench;

import io.github.pgpool.bench.payara.BenchNames;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The day/night trace of {@link DayNightTrace} inside Payara: pgpool.rar and Payara's own JDBC pool in the server
 * that {@link PayaraProcess} started, traced at the same time. Per pool, {@code cycles} times a burst of
 * {@code threads} HTTP clients sending {@code GET /bench/select?pool=...&n=1} back to back, then no traffic. A
 * sampler counts each pool's backends in {@code pg_stat_activity} every 100 ms (by application name); the pools'
 * own counts are not visible from outside the server, so backend-seconds stand for connection-seconds here. Any
 * answer but 200 (a timeout is a 503) counts as a failed request.
 */
final class PayaraTrace {
    private static final long SAMPLE_MILLIS = 100;
    /** Result ids (Report names them). */
    static final String PGPOOL = "pgpool-payara";
    static final String PAYARA = "payara";

    private PayaraTrace() {
    }

    /** Runs the trace for both pools; returns pgpool's result, then Payara's pool's. */
    static List<DayNightTrace.Result> run(int threads, Duration burst, Duration idle, int cycles) throws Exception {
        // Start from each pool's resting state: pgpool (Cleanup 1 s) empties after the throughput runs; Payara's
        // pool stays at its steady-pool-size, as it does after the first request of the day.
        awaitNoBackends(BenchNames.PGPOOL_APP, Duration.ofSeconds(15));
        DayNightTrace.Result pgpool = new DayNightTrace.Result(PGPOOL);
        DayNightTrace.Result payara = new DayNightTrace.Result(PAYARA);
        pgpool.peakOpen = -1;
        payara.peakOpen = -1;
        pgpool.connectionSeconds = Double.NaN;
        payara.connectionSeconds = Double.NaN;
        List<HttpGet> pgpoolClients = clients(threads);
        List<HttpGet> payaraClients = clients(threads);
        AtomicLong[] counts = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
        try (Connection monitor = PgDatabase.connect(PgDatabase.DATABASE, "pgpool-bench-monitor");
                PreparedStatement count = monitor.prepareStatement("SELECT count(*) FILTER (WHERE application_name"
                        + " = ?), count(*) FILTER (WHERE application_name = ?) FROM pg_stat_activity")) {
            count.setString(1, BenchNames.PGPOOL_APP);
            count.setString(2, BenchNames.PAYARA_APP);
            long start = System.nanoTime();
            Thread sampler = new Thread(() -> sample(count, start, pgpool, payara), "payara-trace-sampler");
            sampler.setDaemon(true);
            sampler.start();
            for (int cycle = 0; cycle < cycles; cycle++) {
                List<Thread> workers = new ArrayList<>();
                long end = System.nanoTime() + burst.toNanos();
                workers.addAll(burst(pgpoolClients, PayaraProcess.path("pgpool", 1), end, counts[0], counts[1]));
                workers.addAll(burst(payaraClients, PayaraProcess.path("payara", 1), end, counts[2], counts[3]));
                for (Thread t : workers) {
                    t.join();
                }
                Thread.sleep(idle.toMillis());
            }
            sampler.interrupt();
            sampler.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            pgpool.seconds = seconds;
            payara.seconds = seconds;
        } finally {
            pgpoolClients.forEach(HttpGet::close);
            payaraClients.forEach(HttpGet::close);
        }
        pgpool.requests = counts[0].get();
        pgpool.failures = counts[1].get();
        payara.requests = counts[2].get();
        payara.failures = counts[3].get();
        return List.of(pgpool, payara);
    }

    /** Sends requests through each pool in turn for {@code each}, from {@code threads} clients. */
    static void warmUp(List<String> pools, int threads, Duration each) throws InterruptedException {
        List<HttpGet> clients = clients(threads);
        try {
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            for (String pool : pools) {
                for (Thread t : burst(clients, PayaraProcess.path(pool, 1), System.nanoTime() + each.toNanos(), ok,
                        failed)) {
                    t.join();
                }
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + (ok.get() + failed.get())
                        + " warm-up requests failed (see results/payara-server.log)");
            }
        } finally {
            clients.forEach(HttpGet::close);
        }
    }

    private static List<HttpGet> clients(int n) {
        List<HttpGet> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new HttpGet("127.0.0.1", PayaraProcess.HTTP_PORT));
        }
        return list;
    }

    /** Day: one thread per client sends requests back to back until {@code end}. */
    private static List<Thread> burst(List<HttpGet> clients, String path, long end, AtomicLong ok, AtomicLong failed) {
        List<Thread> workers = new ArrayList<>();
        for (HttpGet client : clients) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() - end < 0) {
                    try {
                        if (client.get(path) == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        client.close();
                    }
                }
            }, "payara-trace-worker");
            t.start();
            workers.add(t);
        }
        return workers;
    }

    /** Samples both pools' backends until interrupted, integrating each sample until the next (a step function). */
    private static void sample(PreparedStatement count, long start, DayNightTrace.Result pgpool,
            DayNightTrace.Result payara) {
        long last = start;
        int[] lastBackends = {0, 0};
        DayNightTrace.Result[] results = {pgpool, payara};
        while (true) {
            int[] backends = lastBackends.clone();
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                backends[0] = rs.getInt(1);
                backends[1] = rs.getInt(2);
            } catch (SQLException e) {
                // Keep the last values; one missed sample does not change the picture.
            }
            long now = System.nanoTime();
            double dt = (now - last) / 1e9;
            for (int i = 0; i < 2; i++) {
                results[i].backendSeconds += lastBackends[i] * dt;
                results[i].peakBackends = Math.max(results[i].peakBackends, backends[i]);
                results[i].series.add(new double[] {(now - start) / 1e9, Double.NaN, backends[i]});
            }
            last = now;
            lastBackends = backends;
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
        double dt = (System.nanoTime() - last) / 1e9;
        for (int i = 0; i < 2; i++) {
            results[i].backendSeconds += lastBackends[i] * dt;
        }
    }

    /** Polls pg_stat_activity until no backend has this application name (backends vanish asynchronously). */
    static void awaitNoBackends(String applicationName, Duration max) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        try (Connection c = PgDatabase.connect(PgDatabase.DATABASE, "pgpool-bench-monitor");
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            while (System.nanoTime() - deadline < 0) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
    }
}

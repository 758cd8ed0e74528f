package io.github.pgpool.bench;

import io.github.pgpool.bench.payara.BenchNames;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the short benchmark suite in one go and writes {@code results/latest.json}, {@code results/latest.md} and the
 * charts. Parts and lengths are set with system properties (defaults keep the whole run under 10 minutes on
 * 2 cores):
 * <ul>
 *   <li>{@code bench.parts} — any of {@code stub,pg,trace,payara,vthreads} (default the first four; the
 *       virtual-thread part, {@link VirtualThreadRun}, needs JDK 21 or newer and runs only when named);</li>
 *   <li>{@code bench.warmup}, {@code bench.iterations} — JMH iterations of 1 s (default 1 and 2);</li>
 *   <li>{@code bench.trace.cycles}, {@code bench.trace.burst}, {@code bench.trace.idle} — day/night trace (default
 *       3 cycles of 2 s bursts and 10 s idle);</li>
 *   <li>{@code bench.payara.warmup} — seconds of requests per pool that warm the Payara server's JIT before the
 *       Payara part's JMH runs (default 2);</li>
 *   <li>{@code bench.out} — the results directory (default {@code results}).</li>
 * </ul>
 */
public final class RunAll {
    private static final List<String> POOLS = List.of("pgpool", "hikari", "agroal", "dbcp2");
    /** Configurations that failed and were run again; the report names them, as they ran twice. */
    private static final List<String> RETRIED = new ArrayList<>();

    private RunAll() {
    }

    /** Entry point of {@code run.sh}. */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Instant started = Instant.now();
        Path out = Path.of(System.getProperty("bench.out", "results"));
        Files.createDirectories(out);
        List<String> parts = List.of(System.getProperty("bench.parts", "stub,pg,trace,payara").split(","));
        Report report = new Report(Machine.describe());

        if (parts.contains("stub")) {
            for (int threads : new int[] {1, 8, 32}) {
                progress("stub driver, " + threads + " thread(s)");
                report.add("stub", run(options(StubPoolBenchmark.class.getSimpleName(), threads, out)));
            }
        }
        boolean pg = PgDatabase.available();
        if (!pg && (parts.contains("pg") || parts.contains("trace") || parts.contains("payara"))) {
            report.note("PostgreSQL was not reachable at " + PgDatabase.host() + ":" + PgDatabase.port()
                    + ": the real-database benchmarks, the traces and the Payara part were skipped.");
        }
        String pgStarted = null;
        if (pg) {
            PgDatabase.prepare();
            pgStarted = PgDatabase.startTime();
        }
        if (pg && parts.contains("pg")) {
            for (int threads : new int[] {8, 32}) {
                progress("PostgreSQL select by id, " + threads + " threads");
                report.add("pg", run(options(PgSelectBenchmark.class.getSimpleName(), threads, out)));
                report.add("pg", run(options(PgNoPoolBenchmark.class.getSimpleName(), threads, out)));
                progress("PostgreSQL borrow latency, " + threads + " threads");
                report.add("pg-latency", run(options(PgBorrowLatencyBenchmark.class.getSimpleName(), threads, out)));
            }
        }
        int cycles = Integer.getInteger("bench.trace.cycles", 3);
        Duration burst = Duration.ofSeconds(Long.getLong("bench.trace.burst", 2));
        Duration idle = Duration.ofSeconds(Long.getLong("bench.trace.idle", 10));
        if (pg && parts.contains("trace")) {
            progress("day/night trace: " + cycles + " x (" + burst.toSeconds() + " s burst, " + idle.toSeconds()
                    + " s idle)");
            report.trace(DayNightTrace.runBoth(8, burst, idle, cycles, Duration.ofSeconds(1)), cycles, burst, idle);
        }
        if (pg && parts.contains("payara")) {
            try {
                payara(report, out, cycles, burst, idle);
            } catch (Exception e) {
                progress("the Payara part failed: " + e);
                report.note("The Payara part failed and is missing: " + e + " (see results/payara-server.log).");
            }
        }
        if (parts.contains("vthreads")) {
            String readme = System.getProperty("bench.readme.vthreads");
            VirtualThreadRun.run(out, readme == null ? null : Path.of(readme));
        }
        if (pg && !Objects.equals(pgStarted, PgDatabase.startTime())) {
            // On a shared machine, other people's tests restart PostgreSQL (pgpool-it's restart scenario).
            report.note("PostgreSQL was restarted during this run (pg_postmaster_start_time " + pgStarted + " -> "
                    + PgDatabase.startTime() + "): the real-database numbers around that moment are suspect.");
        }
        RETRIED.forEach(report::note);
        if (parts.stream().anyMatch(p -> !p.equals("vthreads"))) { // the vthreads part alone keeps latest.md
            report.finish(started, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            report.write(out);
        }
        progress("done in " + Duration.between(started, Instant.now()).truncatedTo(ChronoUnit.SECONDS)
                + "; results in " + out.toAbsolutePath());
    }

    /**
     * The Payara part: one embedded Payara (own JVM) with pgpool.rar and Payara's own JDBC pool, both MaxSize 8;
     * select by id over HTTP at 8 and 32 threads with the peak backends of each pool, then the day/night trace.
     */
    private static void payara(Report report, Path out, int cycles, Duration burst, Duration idle) throws Exception {
        progress("Payara: starting embedded Payara with pgpool.rar, its own JDBC pool and the benchmark WAR");
        List<String> pools = List.of("pgpool", "payara", "pgpool-unpooled");
        List<String> apps = List.of(BenchNames.PGPOOL_APP, BenchNames.PAYARA_APP, BenchNames.PGPOOL_UNPOOLED_APP);
        try (PayaraProcess server = PayaraProcess.start(out, 8, "1")) {
            progress("Payara: up in " + fmt(server.startSeconds) + " s");
            report.payaraStarted(server.startSeconds);
            // JMH warms up its own JVM, not the server's: give Payara's JIT the same paths first (each pool in turn).
            progress("Payara: warming the server up, " + pools + " in turn, 8 threads");
            PayaraTrace.warmUp(pools, 8, Duration.ofSeconds(Long.getLong("bench.payara.warmup", 2)));
            for (int threads : new int[] {8, 32}) {
                progress("Payara: select by id over HTTP, " + threads + " threads");
                try (BackendPeaks peaks = BackendPeaks.start(apps)) {
                    report.add("payara", run(options(PayaraSelectBenchmark.class.getSimpleName(), threads, out),
                            pools));
                    for (int i = 0; i < pools.size(); i++) {
                        report.peakBackends(threads, pools.get(i), peaks.peak(apps.get(i)));
                    }
                }
            }
            progress("Payara: day/night trace: " + cycles + " x (" + burst.toSeconds() + " s burst, "
                    + idle.toSeconds() + " s idle), both pools at once");
            report.payaraTrace(PayaraTrace.run(8, burst, idle, cycles));
            progress("Payara: stopping");
        }
    }

    static void progress(String what) {
        System.out.println("[pgpool-bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + what);
    }

    static ChainedOptionsBuilder options(String benchmark, int threads, Path out) {
        List<String> jvmArgs = new ArrayList<>();
        for (String p : List.of("bench.pg.host", "bench.pg.port", "bench.pg.user", "bench.payara.httpPort")) {
            if (System.getProperty(p) != null) {
                jvmArgs.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        return new OptionsBuilder()
                .include("\\." + benchmark + "\\.")
                .threads(threads)
                .forks(1)
                .warmupIterations(Integer.getInteger("bench.warmup", 1))
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(Integer.getInteger("bench.iterations", 2))
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .output(log(out, benchmark, threads, ""));
    }

    /**
     * JMH allows one run per machine (/tmp/jmh.lock) so that two runs do not disturb each other; when someone else's
     * run holds it, wait for it (up to 5 minutes) rather than fail or run alongside.
     */
    static Collection<RunResult> runWhenFree(ChainedOptionsBuilder options) throws RunnerException {
        for (int attempt = 0;; attempt++) {
            try {
                return new Runner(options.build()).run();
            } catch (RunnerException e) {
                if (attempt >= 60 || e.getMessage() == null || !e.getMessage().contains("JMH lock")) {
                    throw e;
                }
                if (attempt == 0) {
                    progress("another JMH run holds /tmp/jmh.lock; waiting for it");
                }
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String log(Path out, String benchmark, int threads, String suffix) {
        return out.resolve("jmh-" + benchmark + "-t" + threads + suffix + ".log").toString();
    }

    /**
     * Runs the benchmarks and, once, any pool whose configurations produced no result (on a shared machine a
     * neighbour's test may restart or terminate PostgreSQL backends while a pool starts).
     */
    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return run(options, POOLS);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options, List<String> pools)
            throws RunnerException {
        List<RunResult> results = new ArrayList<>(runWhenFree(options));
        Set<String> expected = new LinkedHashSet<>(pools);
        boolean pooled = results.isEmpty() || results.get(0).getParams().getParam("pool") != null;
        if (pooled) {
            for (RunResult r : results) {
                expected.remove(r.getParams().getParam("pool"));
            }
        }
        if (pooled && !expected.isEmpty() || !pooled && results.isEmpty()) {
            String what = (pooled ? expected : "no pool") + " in " + options.build().getIncludes() + " at "
                    + options.build().getThreads().orElse(1) + " threads";
            progress("retrying after a failure: " + what);
            RETRIED.add(what + " failed (see results/jmh-*.log) and was run again");
            if (pooled) {
                options.param("pool", expected.toArray(new String[0]));
            }
            options.output(log(Path.of(System.getProperty("bench.out", "results")), "retry", 0,
                    "-" + System.nanoTime()));
            results.addAll(runWhenFree(options));
        }
        return results;
    }

    /** The machine the numbers come from. */
    record Machine(int cores, String cpu, String jdk, String os, double loadAtStart) {
        static Machine describe() {
            String cpu = "unknown";
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(cpu);
            } catch (IOException | RuntimeException e) {
                // Not Linux: the CPU model stays unknown.
            }
            String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
            String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch");
            return new Machine(Runtime.getRuntime().availableProcessors(), cpu, jdk, os,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}

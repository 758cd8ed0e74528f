package io.github.pgpool.demo;

import java.io.File;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pgpool demo: boots embedded Payara with the built pgpool.rar and a sample web application, drives a
 * burst-then-idle HTTP workload against it, shows the pool's figures and PostgreSQL's backends live, draws them, and
 * checks that the pool kept its rules. Started by {@code mvn -B -DskipTests -Ddemo verify} (see README.md).
 *
 * <p>Exit status: 0 when the rules held, 1 when they were visibly broken (more backends than MaxSize, or backends
 * left after Cleanup), 2 when the demo itself could not run (no PostgreSQL, a port taken, a failed deployment) or
 * could not watch the whole run.
 */
public final class Demo {
    /** The pool settings on show; short, so that each rule acts within seconds. */
    static final int MAX_SIZE = 5;
    static final String MAX_WAIT = "1s";
    static final String EXPIRES = "6s";
    private static final long EXPIRES_SECONDS = 6;

    /**
     * "Young" for the end of the steady phase: a connection this old at the end of the load is at most
     * 1.5 + 3 (Cleanup) + 0.75 (housekeeping period) = 5.25 s old when Cleanup closes it, below Expires.
     */
    private static final double YOUNG_SECONDS = 1.5;
    static final String CLEANUP = "3s";

    /** How long the idle phase may overrun while waiting for Cleanup to finish on a slow machine. */
    private static final long DRAIN_GRACE_SECONDS = 15;

    private final PrintStream out = System.out;
    private final long startNanos = System.nanoTime();

    private Demo() {
    }

    /**
     * Runs the demo and exits with its verdict (see the class description). It always exits explicitly, because
     * embedded Payara can leave non-daemon threads behind after it stopped.
     *
     * @param args ignored; the configuration comes from system properties set by the Maven execution
     */
    public static void main(String[] args) {
        int status;
        try {
            status = new Demo().run();
        } catch (DemoFailure e) {
            System.out.flush();
            System.err.println();
            System.err.println("pgpool demo cannot run: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.out.flush();
            System.err.println();
            System.err.println("pgpool demo failed: " + e);
            e.printStackTrace();
            status = 2;
        }
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    private String settings() {
        return "MaxSize " + MAX_SIZE + ", MaxWait " + MAX_WAIT + ", Expires " + EXPIRES + ", Cleanup " + CLEANUP;
    }

    private int run() throws Exception {
        DemoConfig config = DemoConfig.fromEnvironment();
        out.println("pgpool demo: " + settings());
        out.println("  PostgreSQL " + config.safeUrl() + ", database " + DemoConfig.DATABASE);
        try (Database db = new Database(config)) {
            try {
                db.prepare();
                awaitNoBackends(db);
            } catch (SQLException e) {
                throw new DemoFailure("cannot use PostgreSQL at " + config.safeUrl() + ": "
                        + e.getMessage().replaceFirst("\\.$", "") + ". Start it, or point the demo elsewhere with"
                        + " -Dpgpool.demo.url=jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD (or the"
                        + " environment variable PGPOOL_DEMO_URL).");
            }
            return runIsolated(config, db);
        }
    }

    private int runIsolated(DemoConfig config, Database db) throws Exception {
        out.println("  starting embedded Payara (loopback only, http://127.0.0.1:" + PayaraServer.HTTP_PORT + ")...");
        // Payara prints some internals straight to System.out; they go to a file, the demo's output stays readable.
        File console = new File(config.outDir(), "payara-stdout.log");
        PrintStream stdout = System.out;
        try (PrintStream payaraOut = new PrintStream(new FileOutputStream(console), true, "UTF-8")) {
            System.setOut(payaraOut);
            try {
                return runWithServer(config, db, console);
            } finally {
                System.setOut(stdout);
            }
        }
    }

    private int runWithServer(DemoConfig config, Database db, File console) throws Exception {
        long bootStart = System.nanoTime();
        List<Sample> samples;
        List<Chart.PhaseSpan> spans = new ArrayList<>();
        Workload workload = new Workload("http://127.0.0.1:" + PayaraServer.HTTP_PORT + "/"
                + PayaraServer.CONTEXT_ROOT + "/query");
        double loadStoppedAt;
        String monitorFailure;
        String missedReads;
        try (PayaraServer server = PayaraServer.start(config.domainXml())) {
            server.deployAdapter(config.rar());
            server.deployApp(config.war(), poolProperties(config), config.outDir());
            String first = workload.probe();
            PoolProbe probe = new PoolProbe(PayaraServer.POOL_NAME);
            awaitRegistered(probe);
            out.printf(Locale.ROOT, "  Payara up, %s and the sample application deployed in %.1f s;"
                    + " first request read \"%s\"%n", config.rar().getName(), seconds(System.nanoTime() - bootStart),
                    first);
            out.println("  phases: " + describe(Phase.BURST) + ", " + describe(Phase.STEADY) + ", "
                    + describe(Phase.IDLE));
            out.println();

            Monitor monitor = new Monitor(probe, db, workload, out, System.console() != null);
            monitor.start();
            long workloadStart = System.nanoTime();
            try {
                spans.add(runPhase(Phase.BURST, monitor, workload, workloadStart));
                spans.add(runSteady(monitor, workload, workloadStart));
                spans.add(runPhase(Phase.IDLE, monitor, workload, workloadStart));
                // Measured from the last response, when the last connection had been given back.
                loadStoppedAt = seconds(workload.lastResponseNanos() - workloadStart);
                // On a slow machine Cleanup may not have finished yet: keep sampling until the pool is empty and
                // PostgreSQL has let go of the backends (both asynchronous), up to a deadline.
                monitor.awaitSample(s -> s.pool().total() == 0 && s.backends() == 0,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_GRACE_SECONDS));
                Chart.PhaseSpan idle = spans.remove(2);
                spans.add(new Chart.PhaseSpan(idle.label(), idle.start(), seconds(System.nanoTime() - workloadStart)));
            } finally {
                monitor.close();
            }
            samples = monitor.samples();
            monitorFailure = monitor.failure();
            missedReads = monitor.missedReads();
            out.println();
            out.println("  undeploying and stopping Payara...");
            server.undeployAll();
        }

        File png = new File(config.outDir(), "pgpool-demo.png");
        File csv = new File(config.outDir(), "pgpool-demo.csv");
        Chart.writeCsv(samples, csv);
        Chart.writePng(samples, spans, MAX_SIZE, settings(), png);
        return summary(samples, workload, loadStoppedAt, monitorFailure, missedReads, png, csv, console);
    }

    private static Chart.PhaseSpan runPhase(Phase phase, Monitor monitor, Workload workload, long workloadStart)
            throws InterruptedException {
        monitor.phase(phase.label());
        double from = seconds(System.nanoTime() - workloadStart);
        workload.run(phase);
        return new Chart.PhaseSpan(phase.label(), from, seconds(System.nanoTime() - workloadStart));
    }

    /**
     * The steady phase runs for its minimum length, then until every connection the pool holds is young (Expires
     * has just replaced it). So the connections left when the load stops are closed in the idle phase by Cleanup
     * (3 s idle) before they could reach Expires (6 s of age), and the two rules show apart on the chart. The ages
     * come from PostgreSQL ({@code backend_start}); a replacement comes within one Expires period, hence the deadline.
     */
    private static Chart.PhaseSpan runSteady(Monitor monitor, Workload workload, long workloadStart)
            throws InterruptedException {
        Phase phase = Phase.STEADY;
        monitor.phase(phase.label());
        long start = System.nanoTime();
        double from = seconds(start - workloadStart);
        Workload.Clients clients = workload.start(phase);
        Workload.parkUntil(start + phase.length().toNanos());
        monitor.awaitSample(s -> s.pool().total() > 0 && s.backends() == s.pool().total()
                && s.oldestBackend() < YOUNG_SECONDS,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPIRES_SECONDS + 2));
        clients.stopAt(System.nanoTime());
        clients.await();
        return new Chart.PhaseSpan(phase.label(), from, seconds(System.nanoTime() - workloadStart));
    }

    /** The pgpool configuration properties of the demo pool. */
    private static Map<String, String> poolProperties(DemoConfig config) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ServerName", config.host());
        p.put("PortNumber", Integer.toString(config.port()));
        p.put("DatabaseName", DemoConfig.DATABASE);
        p.put("User", config.user());
        if (!config.password().isEmpty()) {
            p.put("Password", config.password());
        }
        if (!config.driverProperties().isEmpty()) {
            p.put("DriverProperties", config.driverProperties());
        }
        p.put("PoolName", PayaraServer.POOL_NAME);
        p.put("MaxSize", Integer.toString(MAX_SIZE));
        p.put("MaxWait", MAX_WAIT);
        p.put("Expires", EXPIRES);
        p.put("Cleanup", CLEANUP);
        return p;
    }

    private int summary(List<Sample> samples, Workload workload, double loadStoppedAt, String monitorFailure,
            String missedReads, File png, File csv, File console) {
        int peakBackends = samples.stream().mapToInt(Sample::backends).max().orElse(-1);
        int peakTotal = samples.stream().mapToInt(s -> s.pool().total()).max().orElse(0);
        int peakWaiting = samples.stream().mapToInt(s -> s.pool().waiting()).max().orElse(0);
        Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        PoolProbe.Figures end = last == null ? PoolProbe.Figures.ABSENT : last.pool();
        Sample drained = samples.stream().filter(s -> s.seconds() >= loadStoppedAt)
                .filter(s -> s.pool().total() == 0 && s.backends() == 0).findFirst().orElse(null);
        boolean capped = peakBackends >= 0 && peakBackends <= MAX_SIZE && peakTotal <= MAX_SIZE;
        boolean cleaned = last != null && last.pool().total() == 0 && last.backends() == 0;

        out.println();
        out.println("pgpool demo summary (" + settings() + ")");
        line("requests", String.format(Locale.ROOT, "%d answered, %d turned away after MaxWait (HTTP 503), %d failed"
                + " otherwise", workload.ok(), workload.timeouts(), workload.errors()), null);
        line("MaxSize", String.format(Locale.ROOT, "peak %d backends in pg_stat_activity, peak pool total %d,"
                + " limit %d", peakBackends, peakTotal, MAX_SIZE), capped);
        line("MaxWait", String.format(Locale.ROOT, "%d borrows timed out after %s, up to %d requests waited at once",
                end.timeouts(), MAX_WAIT, peakWaiting), null);
        line("Expires", String.format(Locale.ROOT, "%d connections closed at %s of age and replaced under load;"
                + " %d opened in all", end.closedExpired(), EXPIRES, end.created()), null);
        line("Cleanup", String.format(Locale.ROOT, "%d connections closed after %s idle", end.closedIdle(), CLEANUP),
                null);
        line("at rest", cleaned
                ? String.format(Locale.ROOT, "pool total 0 and 0 backends %.1f s after the last request",
                        drained.seconds() - loadStoppedAt)
                : String.format(Locale.ROOT, "after the idle phase: pool total %d, %d backends (expected 0 and 0)",
                        last == null ? -1 : last.pool().total(), last == null ? -1 : last.backends()), cleaned);
        line("chart", png.getAbsolutePath(), null);
        line("samples", csv.getAbsolutePath(), null);
        line("Payara", "its own console output: " + console.getAbsolutePath(), null);
        line("run time", String.format(Locale.ROOT, "%.0f s", seconds(System.nanoTime() - startNanos)), null);
        if (workload.errors() > 0) {
            out.println("  note: " + workload.errors() + " requests failed otherwise; first: " + workload.firstError());
        }
        if (end.timeouts() == 0 || end.closedExpired() == 0 || end.closedIdle() == 0) {
            out.println("  note: this run did not show every rule (no timeouts, expiries or idle closings); a much"
                    + " faster or slower machine shifts the timings.");
        }
        if (missedReads != null) {
            out.println("  note: " + missedReads);
        }
        if (monitorFailure != null) {
            // Not a verdict on pgpool: the demo did not see the whole run.
            out.println("result: INCOMPLETE - sampling stopped: " + monitorFailure);
            return 2;
        }
        boolean kept = capped && cleaned;
        out.println(kept ? "result: pgpool kept its rules (MaxSize held, Cleanup emptied the pool)."
                : "result: RULES BROKEN - see the lines marked FAILED above and the chart.");
        return kept ? 0 : 1;
    }

    private void line(String label, String text, Boolean verdict) {
        out.printf(Locale.ROOT, "  %-9s %s%s%n", label, text,
                verdict == null ? "" : verdict ? "  [ok]" : "  [FAILED]");
    }

    /**
     * Before the clock starts, the demo database must have no backends: leftovers would be counted as pgpool's.
     * The demo's own set-up connection goes away asynchronously, hence the wait (with a deadline).
     */
    private void awaitNoBackends(Database db) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int backends;
        while ((backends = db.backends().count()) > 0) {
            if (System.nanoTime() > deadline) {
                throw new DemoFailure(backends + " sessions are connected to the database "
                        + DemoConfig.DATABASE + "; is another demo running? The demo counts every backend of that "
                        + "database as pgpool's, so it needs the database to itself.");
            }
            Workload.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** The pool registers its MXBean when the adapter creates it, at the latest with the first request. */
    private static void awaitRegistered(PoolProbe probe) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!probe.registered()) {
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("the pool's MXBean io.github.pgpool:type=Pool,name=\""
                        + PayaraServer.POOL_NAME + "\" did not appear on the platform MBean server");
            }
            Workload.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static String describe(Phase p) {
        return p.clients() == 0 ? p.label() + " " + p.length().toSeconds() + " s (no requests)"
                : String.format(Locale.ROOT, "%s %s%d s (%d client%s, %d ms per query)", p.label(),
                        p == Phase.STEADY ? "at least " : "", p.length().toSeconds(), p.clients(),
                        p.clients() == 1 ? "" : "s", p.holdMs());
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}

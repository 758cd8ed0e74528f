package io.github.pgpool.bench;

import static io.github.pgpool.bench.RunAll.fmt;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Collects the run's figures and writes them as JSON, as Markdown tables with the pgpool/competitor ratios and the
 * team's targets, and as two PNG charts (JFreeChart).
 */
final class Report {
    private static final List<String> POOLS = List.of("pgpool", "hikari", "agroal", "dbcp2");
    private static final Map<String, String> NAMES = Map.of("pgpool", "pgpool", "hikari", "HikariCP", "agroal",
            "Agroal", "dbcp2", "DBCP2", "nopool", "no pool", "payara", "Payara JDBC pool", "pgpool-payara",
            "pgpool.rar in Payara", "pgpool-unpooled", "pgpool.rar, Payara's pooling off");
    /** How the two pools of the Payara part are configured (BenchServer). */
    static final String PAYARA_SETTINGS = "pgpool.rar: connector pool as pgpool's README advises (XATransaction, "
            + "Payara's pooling on with steady-pool-size 0 and max-pool-size 64, match-connections off) with "
            + "MaxSize 8, Cleanup 1 s, Expires 0, defaults "
            + "otherwise (MaxWait 10 s); Payara's JDBC pool: org.postgresql.ds.PGSimpleDataSource, max-pool-size 8, "
            + "Payara's defaults otherwise (steady-pool-size 8, pool-resize-quantity 2, idle-timeout 300 s, "
            + "max-wait 60 s, no validation). Both in the same embedded Payara 6.2024.8 (own JVM, -Xmx640m), "
            + "called by the same servlet, outside a transaction. Diagnostic column: pgpool.rar with Payara's "
            + "pooling off (a managed connection made and destroyed per request), the same settings otherwise";

    /** One JMH result. */
    record Row(String group, String benchmark, int threads, String maxSize, String pool, double score,
            double error, String unit, double p50, double p99, long samples) {
        String scenario() {
            return group + "|" + benchmark + "|" + threads + "|" + maxSize;
        }
    }

    /** A target of the team, checked against this run. */
    record Target(String name, double value, String goal, boolean met) {
    }

    private final RunAll.Machine machine;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private List<DayNightTrace.Result> trace;
    private String traceShape;
    private List<DayNightTrace.Result> payaraTrace;
    /** Peak backends in the Payara part, by "threads|pool". */
    private final Map<String, Integer> payaraPeaks = new LinkedHashMap<>();
    private double payaraStartSeconds = Double.NaN;
    private Instant finished;
    private Duration took;
    private double loadAtEnd;

    Report(RunAll.Machine machine) {
        this.machine = machine;
    }

    void note(String text) {
        notes.add(text);
    }

    void add(String group, Collection<RunResult> results) {
        for (RunResult rr : results) {
            String full = rr.getParams().getBenchmark();
            String method = full.substring(full.lastIndexOf('.') + 1);
            String pool = rr.getParams().getParam("pool");
            String maxSize = rr.getParams().getParam("maxSize");
            Result<?> primary = rr.getPrimaryResult();
            boolean sampled = group.equals("pg-latency");
            // Payara part: JMH counts HTTP requests; each runs `batch` selects.
            String batch = rr.getParams().getParam("batch");
            int perOp = batch == null ? 1 : Integer.parseInt(batch);
            rows.add(new Row(group, method, rr.getParams().getThreads(), maxSize == null ? "8" : maxSize,
                    pool == null ? "nopool" : pool, primary.getScore() * perOp, primary.getScoreError() * perOp,
                    primary.getScoreUnit(), sampled ? primary.getStatistics().getPercentile(50) : Double.NaN,
                    sampled ? primary.getStatistics().getPercentile(99) : Double.NaN,
                    primary.getStatistics().getN()));
        }
    }

    void trace(List<DayNightTrace.Result> results, int cycles, Duration burst, Duration idle) {
        this.trace = results;
        this.traceShape = cycles + " cycles of " + burst.toSeconds() + " s burst (8 threads, MaxSize 8) + "
                + idle.toSeconds() + " s idle; pgpool Cleanup 1 s, Expires 0; HikariCP defaults (minimumIdle = "
                + "maximumPoolSize = 8), maxLifetime/idleTimeout/keepaliveTime 0";
    }

    void payaraStarted(double seconds) {
        payaraStartSeconds = seconds;
    }

    void peakBackends(int threads, String pool, int peak) {
        payaraPeaks.put(threads + "|" + pool, peak);
    }

    /** The Payara trace: pgpool.rar's result, then Payara's JDBC pool's (same shape as the Java SE trace). */
    void payaraTrace(List<DayNightTrace.Result> results) {
        this.payaraTrace = results;
        if (traceShape == null) {
            trace(null, Integer.getInteger("bench.trace.cycles", 3),
                    Duration.ofSeconds(Long.getLong("bench.trace.burst", 2)),
                    Duration.ofSeconds(Long.getLong("bench.trace.idle", 10)));
        }
    }

    private Integer peak(Row r) {
        return payaraPeaks.get(r.threads + "|" + r.pool);
    }

    private String peakText(Row r) {
        Integer peak = r == null ? null : peak(r);
        return peak == null ? "–" : peak.toString();
    }

    /** Payara backend-seconds, pgpool.rar / Payara's JDBC pool. */
    private double payaraTraceRatio() {
        return payaraTrace.get(0).backendSeconds / payaraTrace.get(1).backendSeconds;
    }

    /** All rows of the resource table: the Java SE trace, then the Payara trace. */
    private List<DayNightTrace.Result> traceRows() {
        List<DayNightTrace.Result> all = new ArrayList<>();
        if (trace != null) {
            all.addAll(trace);
        }
        if (payaraTrace != null) {
            all.addAll(payaraTrace);
        }
        return all;
    }

    void finish(Instant started, double loadAverage) {
        this.finished = Instant.now();
        this.took = Duration.between(started, finished).truncatedTo(ChronoUnit.SECONDS);
        this.loadAtEnd = loadAverage;
    }

    /** Scores of one scenario, by pool. */
    private Map<String, Row> scenario(String key) {
        Map<String, Row> byPool = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.scenario().equals(key)) {
                byPool.put(r.pool, r);
            }
        }
        return byPool;
    }

    private List<String> scenarios(String group) {
        List<String> keys = new ArrayList<>();
        for (Row r : rows) {
            if (r.group.equals(group) && !keys.contains(r.scenario())) {
                keys.add(r.scenario());
            }
        }
        return keys;
    }

    private static double ratio(Map<String, Row> byPool, String other) {
        return ratio(byPool.get("pgpool"), byPool.get(other));
    }

    private static double ratio(Row p, Row o) {
        return p == null || o == null ? Double.NaN : p.score / o.score;
    }

    private void checkTargets() {
        targets.clear();
        for (String key : scenarios("stub")) {
            Map<String, Row> s = scenario(key);
            Row any = s.values().iterator().next();
            if (any.threads < 8) {
                continue; // the targets are for 8 and 32 threads
            }
            String label = "stub " + any.benchmark + " t" + any.threads + " MaxSize " + any.maxSize;
            double h = ratio(s, "hikari");
            targets.add(new Target(label + ": pgpool/HikariCP", h, ">= 1.0", h >= 1.0));
            double a = ratio(s, "agroal");
            targets.add(new Target(label + ": pgpool/Agroal", a, "> 1.0", a > 1.0));
            double d = ratio(s, "dbcp2");
            targets.add(new Target(label + ": pgpool/DBCP2", d, "> 1.0", d > 1.0));
        }
        for (String key : scenarios("pg")) {
            Map<String, Row> s = scenario(key);
            String label = "PostgreSQL select t" + s.values().iterator().next().threads + " MaxSize 8";
            double h = ratio(s, "hikari");
            targets.add(new Target(label + ": pgpool/HikariCP", h, ">= 0.95", h >= 0.95));
            double n = ratio(s, "nopool");
            targets.add(new Target(label + ": pgpool/no pool", n, ">= 0.9", n >= 0.9));
        }
        for (String key : scenarios("payara")) {
            Map<String, Row> s = scenario(key);
            String label = "In Payara, select over HTTP t" + s.values().iterator().next().threads + " MaxSize 8";
            double p = ratio(s, "payara");
            targets.add(new Target(label + ": pgpool/Payara pool", p, ">= 1.0", p >= 1.0));
        }
        if (trace != null) {
            double r = trace.get(0).connectionSeconds / trace.get(1).connectionSeconds;
            targets.add(new Target("day/night connection-seconds pgpool/HikariCP", r, "<= 0.5", r <= 0.5));
        }
        if (payaraTrace != null) {
            double r = payaraTraceRatio();
            targets.add(new Target("day/night in Payara, backend-seconds pgpool/Payara pool", r, "<= 0.5",
                    r <= 0.5));
        }
        if (!traceRows().isEmpty()) {
            long failed = traceRows().stream().mapToLong(t -> t.failures).sum();
            targets.add(new Target("day/night, failed or timed-out requests (all pools)", failed, "= 0",
                    failed == 0));
        }
    }

    void write(Path out) throws IOException {
        checkTargets();
        Files.writeString(out.resolve("latest.json"), Json.write(json()));
        boolean ratiosChart = ratioChart(out.resolve("ratios.png"));
        boolean traceChart = !traceRows().isEmpty() && traceChart(out.resolve("trace.png"));
        Files.writeString(out.resolve("latest.md"), markdown(ratiosChart, traceChart));
        String readme = System.getProperty("bench.readme");
        if (readme != null && !targets.isEmpty()) {
            updateReadme(Path.of(readme));
        }
    }

    private static final String README_BEGIN = "<!-- bench:begin";
    private static final String README_END = "<!-- bench:end -->";

    /**
     * Replaces the summary between the README's bench markers with this run's machine and targets, so that the
     * README always shows the latest full run (run.sh passes the README only for a full run into results/).
     */
    private void updateReadme(Path readme) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no " + README_BEGIN + " ... " + README_END + " markers");
        }
        int afterBegin = text.indexOf('\n', begin) + 1;
        StringBuilder md = new StringBuilder();
        md.append("Latest full run: ").append(finished.truncatedTo(ChronoUnit.SECONDS)).append(", commit `")
                .append(System.getProperty("bench.commit", "unknown")).append("`, ").append(machine.cores())
                .append(" cores (").append(machine.cpu()).append("), ").append(machine.jdk()).append(", load average ")
                .append(fmt(machine.loadAtStart())).append(" / ").append(fmt(loadAtEnd))
                .append(" at start / end. One short run (1 fork, 1-s iterations) on a shared machine: treat "
                        + "differences under ~10% as noise. Every table, the charts and how to run it: "
                        + "[pgpool-bench/results/latest.md](pgpool-bench/results/latest.md).\n\n");
        targetsTable(md);
        Files.writeString(readme, text.substring(0, afterBegin) + md + text.substring(end));
    }

    private void targetsTable(StringBuilder md) {
        md.append("| target | value | goal | met |\n|---|---:|---|---|\n");
        for (Target t : targets) {
            String value = t.goal().startsWith("=") ? String.valueOf((long) t.value()) : ratioText(t.value());
            md.append("| ").append(t.name()).append(" | ").append(value).append(" | ")
                    .append(t.goal()).append(" | ").append(t.met() ? "yes" : "**no**").append(" |\n");
        }
    }

    private Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", machine.cores());
        m.put("cpu", machine.cpu());
        m.put("jdk", machine.jdk());
        m.put("os", machine.os());
        m.put("loadAverageAtStart", machine.loadAtStart());
        m.put("loadAverageAtEnd", loadAtEnd);
        m.put("shared", "numbers come from a shared 2-core machine where other engineers ran builds and tests at the "
                + "same time; single short runs (1 fork, 1-s iterations): treat differences under ~10% as noise");
        root.put("machine", m);
        root.put("pgpoolCommit", System.getProperty("bench.commit", "unknown"));
        root.put("finished", finished.toString());
        root.put("durationSeconds", took.toSeconds());
        root.put("notes", notes);
        for (String group : List.of("stub", "pg", "pg-latency", "payara")) {
            List<Object> list = new ArrayList<>();
            for (String key : scenarios(group)) {
                Map<String, Row> s = scenario(key);
                Row any = s.values().iterator().next();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("benchmark", any.benchmark);
                e.put("threads", any.threads);
                e.put("maxSize", Integer.parseInt(any.maxSize));
                e.put("unit", any.unit);
                Map<String, Object> scores = new LinkedHashMap<>();
                for (Row r : s.values()) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("score", r.score);
                    v.put("error", r.error);
                    if (group.equals("pg-latency")) {
                        v.put("p50", r.p50);
                        v.put("p99", r.p99);
                        v.put("samples", r.samples);
                    }
                    if (group.equals("payara") && peak(r) != null) {
                        v.put("peakBackends", peak(r));
                    }
                    scores.put(r.pool, v);
                }
                e.put("results", scores);
                if (!group.equals("pg-latency")) {
                    Map<String, Object> ratios = new LinkedHashMap<>();
                    for (String other : List.of("hikari", "agroal", "dbcp2", "nopool", "payara")) {
                        if (s.containsKey(other)) {
                            ratios.put("pgpool/" + other, ratio(s, other));
                        }
                    }
                    if (s.containsKey("pgpool-unpooled") && s.containsKey("payara")) {
                        ratios.put("pgpool-unpooled/payara", ratio(s.get("pgpool-unpooled"), s.get("payara")));
                    }
                    e.put("ratios", ratios);
                }
                list.add(e);
            }
            root.put(group.equals("pg-latency") ? "pgBorrowLatency" : group, list);
        }
        if (!scenarios("payara").isEmpty()) {
            root.put("payaraSettings", PAYARA_SETTINGS);
            root.put("payaraStartSeconds", payaraStartSeconds);
        }
        if (!traceRows().isEmpty()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("shape", traceShape);
            if (payaraTrace != null) {
                t.put("payaraSettings", PAYARA_SETTINGS + "; in the Payara trace backend-seconds stand for "
                        + "connection-seconds (the pools' own counts are inside the server)");
            }
            for (DayNightTrace.Result r : traceRows()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("seconds", r.seconds);
                v.put("connectionSeconds", r.connectionSeconds);
                v.put("backendSeconds", r.backendSeconds);
                v.put("peakOpen", r.peakOpen >= 0 ? r.peakOpen : null);
                v.put("peakBackends", r.peakBackends);
                v.put("requests", r.requests);
                v.put("failedRequests", r.failures);
                t.put(r.pool, v);
            }
            if (trace != null) {
                t.put("ratio pgpool/hikari connectionSeconds", trace.get(0).connectionSeconds
                        / trace.get(1).connectionSeconds);
            }
            if (payaraTrace != null) {
                t.put("ratio pgpool-payara/payara backendSeconds", payaraTraceRatio());
            }
            root.put("trace", t);
        }
        List<Object> tl = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("target", t.name());
            v.put("value", t.value());
            v.put("goal", t.goal());
            v.put("met", t.met());
            tl.add(v);
        }
        root.put("targets", tl);
        return root;
    }

    private String markdown(boolean ratiosChart, boolean traceChart) {
        StringBuilder md = new StringBuilder();
        md.append("# pgpool benchmark results\n\n");
        md.append("Finished ").append(finished.truncatedTo(ChronoUnit.SECONDS)).append(" in ").append(took.toSeconds())
                .append(" s. See README.md for what each number means and how to run it.\n\n");
        md.append("Repository commit (pgpool-core as of it): `").append(System.getProperty("bench.commit", "unknown")).append("`\n\n");
        md.append("| machine | |\n|---|---|\n");
        md.append("| cores | ").append(machine.cores()).append(" |\n");
        md.append("| CPU | ").append(machine.cpu()).append(" |\n");
        md.append("| JDK | ").append(machine.jdk()).append(" |\n");
        md.append("| OS | ").append(machine.os()).append(" |\n");
        md.append("| load average start / end | ").append(fmt(machine.loadAtStart())).append(" / ")
                .append(fmt(loadAtEnd)).append(" |\n\n");
        md.append("> Numbers come from a **shared 2-core machine** on which other engineers ran builds and tests at "
                + "the same time, from one short run (1 fork, 1-s iterations). Treat differences under ~10% as "
                + "noise; the ± columns are JMH's 99.9% confidence half-widths where it could compute one.\n\n");
        for (String n : notes) {
            md.append("> ").append(n).append("\n\n");
        }

        if (!scenarios("stub").isEmpty()) {
            md.append("## Pool overhead, stub driver (ops/ms, higher is better)\n\n");
            md.append("| benchmark | threads | MaxSize | pgpool | HikariCP | Agroal | DBCP2 | pgpool/HikariCP | "
                    + "pgpool/Agroal | pgpool/DBCP2 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String key : scenarios("stub")) {
                Map<String, Row> s = scenario(key);
                Row any = s.values().iterator().next();
                md.append("| ").append(any.benchmark).append(" | ").append(any.threads).append(" | ")
                        .append(any.maxSize);
                for (String p : POOLS) {
                    md.append(" | ").append(score(s.get(p)));
                }
                for (String p : List.of("hikari", "agroal", "dbcp2")) {
                    md.append(" | ").append(ratioText(ratio(s, p)));
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        if (!scenarios("pg").isEmpty()) {
            md.append("## Real PostgreSQL: SELECT by primary key, MaxSize 8 (ops/ms, higher is better)\n\n");
            md.append("| threads | pgpool | HikariCP | Agroal | DBCP2 | no pool | pgpool/HikariCP | pgpool/Agroal | "
                    + "pgpool/DBCP2 | pgpool/no pool |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String key : scenarios("pg")) {
                Map<String, Row> s = scenario(key);
                md.append("| ").append(s.values().iterator().next().threads);
                for (String p : List.of("pgpool", "hikari", "agroal", "dbcp2", "nopool")) {
                    md.append(" | ").append(score(s.get(p)));
                }
                for (String p : List.of("hikari", "agroal", "dbcp2", "nopool")) {
                    md.append(" | ").append(ratioText(ratio(s, p)));
                }
                md.append(" |\n");
            }
            md.append("\n\"no pool\" is one dedicated pgjdbc connection per thread (32 backends at 32 threads).\n\n");
        }
        if (!scenarios("pg-latency").isEmpty()) {
            md.append("## Real PostgreSQL: getConnection() latency, MaxSize 8 (µs, p50 / p99, lower is better)\n\n");
            md.append("| threads | pgpool | HikariCP | Agroal | DBCP2 |\n|---:|---:|---:|---:|---:|\n");
            for (String key : scenarios("pg-latency")) {
                Map<String, Row> s = scenario(key);
                md.append("| ").append(s.values().iterator().next().threads);
                for (String p : POOLS) {
                    Row r = s.get(p);
                    md.append(" | ").append(r == null ? "–" : String.format(Locale.ROOT, "%.1f / %.1f", r.p50, r.p99));
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        if (!scenarios("payara").isEmpty()) {
            md.append("## Inside Payara embedded: SELECT by primary key over HTTP, MaxSize 8 (selects/ms, higher is "
                    + "better)\n\n");
            md.append("Each benchmark thread sends `GET /bench/select?pool=...` over its own keep-alive connection; "
                    + "the servlet borrows from the injected data source, selects by primary key, reads the row and "
                    + "closes. HTTP and servlet costs are the same for both pools. Peak backends: "
                    + "`pg_stat_activity` sampled every 50 ms during the pool's runs. ")
                    .append(PAYARA_SETTINGS).append(". Server start (boot, adapter, pools, WAR): ")
                    .append(fmt(payaraStartSeconds)).append(" s.\n\n");
            md.append("| threads | pgpool.rar | Payara JDBC pool | pgpool/Payara pool | peak backends pgpool | "
                    + "peak backends Payara pool | diagnostic: pgpool.rar, Payara's pooling off | its ratio to the "
                    + "Payara pool | its peak backends |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String key : scenarios("payara")) {
                Map<String, Row> s = scenario(key);
                md.append("| ").append(s.values().iterator().next().threads).append(" | ")
                        .append(score(s.get("pgpool"))).append(" | ").append(score(s.get("payara"))).append(" | ")
                        .append(ratioText(ratio(s, "payara")));
                for (String p : List.of("pgpool", "payara")) {
                    md.append(" | ").append(peakText(s.get(p)));
                }
                md.append(" | ").append(score(s.get("pgpool-unpooled"))).append(" | ")
                        .append(ratioText(ratio(s.get("pgpool-unpooled"), s.get("payara")))).append(" | ")
                        .append(peakText(s.get("pgpool-unpooled"))).append(" |\n");
            }
            md.append('\n');
        }
        if (!traceRows().isEmpty()) {
            md.append("## Day/night trace: resources held\n\n").append(traceShape).append(".");
            if (payaraTrace != null) {
                md.append(" In Payara: the same shape through HTTP, both pools at the same time in one server; ")
                        .append(PAYARA_SETTINGS).append("; Payara's pool is measured after its first use of the day, "
                        + "at its steady-pool-size. The pools' own counts are inside the server, so there "
                        + "backend-seconds stand for connection-seconds.");
            }
            md.append("\n\n| pool | connection-seconds | backend-seconds (pg_stat_activity) | peak connections | "
                    + "peak backends | requests served | failed or timed out | trace length (s) |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (DayNightTrace.Result r : traceRows()) {
                md.append("| ").append(NAMES.get(r.pool)).append(" | ")
                        .append(Double.isFinite(r.connectionSeconds) ? fmt(r.connectionSeconds) : "–").append(" | ")
                        .append(fmt(r.backendSeconds)).append(" | ")
                        .append(r.peakOpen >= 0 ? String.valueOf(r.peakOpen) : "–").append(" | ")
                        .append(r.peakBackends).append(" | ").append(r.requests).append(" | ").append(r.failures)
                        .append(" | ").append(fmt(r.seconds)).append(" |\n");
            }
            if (trace != null) {
                md.append("\npgpool/HikariCP connection-seconds: **")
                        .append(ratioText(trace.get(0).connectionSeconds / trace.get(1).connectionSeconds))
                        .append("**\n");
            }
            if (payaraTrace != null) {
                md.append("\nIn Payara, pgpool.rar/Payara JDBC pool backend-seconds: **")
                        .append(ratioText(payaraTraceRatio())).append("**\n");
            }
            md.append('\n');
        }
        if (!targets.isEmpty()) {
            md.append("## Targets\n\n");
            targetsTable(md);
            md.append('\n');
        }
        if (ratiosChart) {
            md.append("![pgpool throughput relative to the others](ratios.png)\n\n");
        }
        if (traceChart) {
            md.append("![open connections during the day/night trace](trace.png)\n");
        }
        return md.toString();
    }

    private static String score(Row r) {
        if (r == null) {
            return "–";
        }
        return Double.isFinite(r.error) ? fmt(r.score) + " ± " + fmt(r.error) : fmt(r.score);
    }

    private static String ratioText(double r) {
        return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2fx", r) : "–";
    }

    private boolean ratioChart(Path file) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String group : List.of("stub", "pg", "payara")) {
            for (String key : scenarios(group)) {
                Map<String, Row> s = scenario(key);
                Row any = s.values().iterator().next();
                String label = group.equals("payara") ? "Payara t" + any.threads
                        : group.equals("pg") ? "PG select t" + any.threads
                        : (any.benchmark.startsWith("connection") ? "conn" : "stmt") + " t" + any.threads + " m"
                                + any.maxSize;
                for (String other : List.of("hikari", "agroal", "dbcp2", "nopool", "payara")) {
                    double r = ratio(s, other);
                    if (Double.isFinite(r)) {
                        data.addValue(r, "pgpool / " + NAMES.get(other), label);
                    }
                }
            }
        }
        if (data.getColumnCount() == 0) {
            return false;
        }
        JFreeChart chart = ChartFactory.createBarChart("pgpool throughput relative to each pool (1.0 = equal)",
                "scenario (stub: conn/stmt cycle, threads, MaxSize; PG, Payara: threads, MaxSize 8)", "ratio", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        ValueMarker one = new ValueMarker(1.0, Color.RED, new BasicStroke(1.5f));
        chart.getCategoryPlot().addRangeMarker(one);
        // Ratios span 0.01x to 100x: on a log axis with bars growing from 1.0, a bar up means pgpool is faster and
        // one down means slower, and 0.5x looks as far from 1 as 2x.
        double lowest = 1;
        double highest = 1;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null && v.doubleValue() > 0) {
                    lowest = Math.min(lowest, v.doubleValue());
                    highest = Math.max(highest, v.doubleValue());
                }
            }
        }
        LogAxis range = new LogAxis("pgpool / other (log scale)");
        range.setRange(lowest / 1.5, highest * 1.5);
        range.setBase(2);
        range.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // a tick at each power of 2
        range.setNumberFormatOverride(new java.text.DecimalFormat("0.###'x'"));
        chart.getCategoryPlot().setRangeAxis(range);
        ((BarRenderer) chart.getCategoryPlot().getRenderer()).setBase(1.0);
        // Fixed colours, one per competitor, readable on white (JFreeChart's default yellow is not).
        Color[] paints = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
            new Color(0x9467BD)};
        for (int i = 0; i < data.getRowCount(); i++) {
            chart.getCategoryPlot().getRenderer().setSeriesPaint(i, paints[i % paints.length]);
        }
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 600);
        return true;
    }

    private boolean traceChart(Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        XYStepRenderer renderer = new XYStepRenderer();
        BasicStroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 4f}, 0f);
        Map<String, Color> colours = Map.of("pgpool", new Color(0xD62728), "hikari", new Color(0x1F77B4),
                "pgpool-payara", new Color(0xFF7F0E), "payara", new Color(0x9467BD));
        for (DayNightTrace.Result r : traceRows()) {
            Color c = colours.getOrDefault(r.pool, Color.BLACK);
            // The Payara trace has no pool-side count (it is inside the server): backends only.
            if (Double.isFinite(r.connectionSeconds)) {
                XYSeries open = new XYSeries(NAMES.get(r.pool) + " open connections");
                r.series.forEach(p -> open.add(p[0], p[1]));
                renderer.setSeriesPaint(data.getSeriesCount(), c);
                data.addSeries(open);
            }
            XYSeries backends = new XYSeries(NAMES.get(r.pool) + " backends (pg_stat_activity)");
            r.series.forEach(p -> backends.add(p[0], p[2]));
            boolean alone = !Double.isFinite(r.connectionSeconds);
            renderer.setSeriesPaint(data.getSeriesCount(), alone ? c : c.darker());
            renderer.setSeriesStroke(data.getSeriesCount(), alone ? new BasicStroke(2f) : dashed);
            data.addSeries(backends);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Day/night trace: physical connections held over time",
                "seconds since the trace started (Java SE and Payara traces run one after the other)", "connections",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setRenderer(renderer);
        chart.getXYPlot().setBackgroundPaint(Color.WHITE);
        chart.getXYPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 500);
        return true;
    }
}

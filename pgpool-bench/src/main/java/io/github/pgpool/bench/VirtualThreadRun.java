package io.github.pgpool.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * The virtual-thread part ({@code bench.parts=vthreads}): {@link VirtualThreadBenchmark} for pgpool and HikariCP on
 * the same virtual threads, on PostgreSQL and on the stub driver, and the same requests on platform threads. The
 * machine is shared and noisy, so each configuration runs in several rounds, pgpool and HikariCP interleaved (their
 * order alternates from round to round), and the report gives each ratio's range over the rounds, not one number.
 * Writes {@code virtual-threads.md} and, when given the README, its line in the benchmark summary.
 */
final class VirtualThreadRun {
    static final String README_BEGIN = "<!-- bench-vthreads:begin";
    static final String README_END = "<!-- bench-vthreads:end -->";
    private static final String[] TARGETS = {"pg", "stub"};
    private static final String[] THREADS = {"virtual", "platform"};

    private VirtualThreadRun() {
    }

    /** Runs the part; {@code readme} is the top-level README to update, or {@code null}. */
    static void run(Path out, Path readme) throws Exception {
        if (!VirtualThreadBenchmark.available()) {
            String why = "The virtual-thread part needs JDK 21 or newer; this run was on " + Runtime.version()
                    + " (run.sh: BENCH_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java).";
            RunAll.progress(why);
            Files.writeString(out.resolve("virtual-threads.md"), "# Virtual threads\n\n" + why + "\n");
            return;
        }
        boolean pg = PgDatabase.available();
        if (pg) {
            PgDatabase.prepare();
        }
        int rounds = Integer.getInteger("bench.vthreads.rounds", 5);
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Instant started = Instant.now();
        // scores.get(target/threads/pool) = one score per round
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        List<String> retried = new ArrayList<>();
        String pgStarted = pg ? PgDatabase.startTime() : null;
        for (int round = 0; round < rounds; round++) {
            for (String target : TARGETS) {
                if (target.equals("pg") && !pg) {
                    continue;
                }
                for (String threads : THREADS) {
                    List<String> order = round % 2 == 0 ? List.of("pgpool", "hikari") : List.of("hikari", "pgpool");
                    for (String pool : order) {
                        RunAll.progress("virtual threads, round " + (round + 1) + "/" + rounds + ": " + target + ", "
                                + threads + " threads, " + pool);
                        scores.computeIfAbsent(key(target, threads, pool), k -> new ArrayList<>())
                                .add(score(out, round, target, threads, pool, retried));
                    }
                }
            }
        }
        double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (pg && !pgStarted.equals(PgDatabase.startTime())) {
            retried.add("PostgreSQL was restarted during this run (pg_postmaster_start_time " + pgStarted + " -> "
                    + PgDatabase.startTime() + "), by a neighbour's test: the rounds around it are suspect.");
        }
        String md = markdown(scores, rounds, pg, started, loadAtStart, loadAtEnd);
        if (!retried.isEmpty()) {
            md += "\nNotes:\n\n" + retried.stream().map(r -> "- " + r + "\n").reduce("", String::concat);
        }
        Files.writeString(out.resolve("virtual-threads.md"), md);
        if (readme != null && pg) {
            updateReadme(readme, summary(scores, rounds));
        }
    }

    /**
     * Runs one configuration; on a shared machine a neighbour's test may restart PostgreSQL or terminate backends
     * under a request, which fails the fork, so a configuration without a result runs again, up to twice.
     */
    private static double score(Path out, int round, String target, String threads, String pool,
            List<String> retried) throws Exception {
        for (int attempt = 0;; attempt++) {
            String log = "jmh-VirtualThreadBenchmark-r" + (round + 1) + "-" + target + "-" + threads + "-" + pool
                    + (attempt == 0 ? "" : "-retry" + attempt) + ".log";
            Collection<RunResult> results = RunAll.runWhenFree(RunAll.options(
                    VirtualThreadBenchmark.class.getSimpleName(), 1, out)
                    .param("pool", pool).param("target", target).param("threads", threads)
                    .output(out.resolve(log).toString()));
            if (!results.isEmpty()) {
                return results.iterator().next().getPrimaryResult().getScore();
            }
            if (attempt == 2) {
                throw new IllegalStateException("no result for " + key(target, threads, pool) + " in round "
                        + (round + 1) + " after 3 attempts (see " + log + ")");
            }
            retried.add("round " + (round + 1) + " " + key(target, threads, pool) + " failed (see " + log
                    + ") and was run again");
            RunAll.progress("retrying " + key(target, threads, pool) + " after a failure (see " + log + ")");
        }
    }

    private static String key(String target, String threads, String pool) {
        return target + "/" + threads + "/" + pool;
    }

    /** @return per round, {@code a / b} of the same round */
    private static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }

    private static String range(List<Double> values, String unit) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f%s (%.2f-%.2f)", median, unit, sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    private static String scores(List<Double> values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(String.format(Locale.ROOT, "%.1f", v));
        }
        return String.join(", ", s);
    }

    private static String markdown(Map<String, List<Double>> scores, int rounds, boolean pg, Instant started,
            double loadAtStart, double loadAtEnd) {
        StringBuilder md = new StringBuilder("# Virtual threads: pgpool and HikariCP on the same virtual threads\n\n");
        md.append("Written by `BENCH_PARTS=vthreads pgpool-bench/run.sh` (`VirtualThreadBenchmark`, `VirtualThreadRun`)")
                .append(" on ").append(Runtime.version()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, started ")
                .append(started.truncatedTo(ChronoUnit.SECONDS)).append(", commit `")
                .append(System.getProperty("bench.commit", "unknown")).append("`, load average ")
                .append(RunAll.fmt(loadAtStart)).append(" / ").append(RunAll.fmt(loadAtEnd))
                .append(" at start / end.\n\n")
                .append("Each request borrows, runs `SELECT id, name FROM bench_items WHERE id = ?` (stub driver: ")
                .append("the same calls, no I/O) and gives back; ").append(200)
                .append(" requests in flight on MaxSize ").append(VirtualThreadBenchmark.MAX_SIZE)
                .append(", so most of them wait. `virtual`: every request is a new virtual thread; `platform`: ")
                .append("the same requests on a fixed pool of 200 platform threads. HikariCP ")
                .append(com.zaxxer.hikari.HikariConfig.class.getPackage().getImplementationVersion() == null
                        ? "7.1.0" : com.zaxxer.hikari.HikariConfig.class.getPackage().getImplementationVersion())
                .append(". ").append(rounds).append(" rounds; in each, pgpool and HikariCP run back to back ")
                .append("in one fork each (").append(Integer.getInteger("bench.warmup", 1)).append(" warm-up and ")
                .append(Integer.getInteger("bench.iterations", 2))
                .append(" measured 1-s iterations), their order alternating by ")
                .append("round. Ratios are taken within a round; the table gives the median and the range ")
                .append("(min-max) over the rounds.\n\n");
        if (!pg) {
            md.append("PostgreSQL was not reachable: only the stub rows ran.\n\n");
        }
        md.append("| target | threads | pgpool requests/ms (per round) | HikariCP requests/ms (per round) | ")
                .append("pgpool/HikariCP median (range) |\n|---|---|---|---|---:|\n");
        for (String target : TARGETS) {
            for (String threads : THREADS) {
                List<Double> p = scores.get(key(target, threads, "pgpool"));
                List<Double> h = scores.get(key(target, threads, "hikari"));
                if (p == null || h == null) {
                    continue;
                }
                md.append("| ").append(target.equals("pg") ? "PostgreSQL" : "stub driver").append(" | ")
                        .append(threads).append(" | ").append(scores(p)).append(" | ").append(scores(h)).append(" | ")
                        .append(range(ratios(p, h), "x")).append(" |\n");
            }
        }
        md.append("\n| target | pool | virtual/platform median (range) |\n|---|---|---:|\n");
        for (String target : TARGETS) {
            for (String pool : List.of("pgpool", "hikari")) {
                List<Double> v = scores.get(key(target, "virtual", pool));
                List<Double> p = scores.get(key(target, "platform", pool));
                if (v != null && p != null) {
                    md.append("| ").append(target.equals("pg") ? "PostgreSQL" : "stub driver").append(" | ")
                            .append(pool.equals("pgpool") ? "pgpool" : "HikariCP").append(" | ")
                            .append(range(ratios(v, p), "x")).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /** @return the README lines: pgpool/HikariCP on virtual threads, PostgreSQL and stub */
    private static String summary(Map<String, List<Double>> scores, int rounds) {
        StringBuilder s = new StringBuilder();
        for (String target : TARGETS) {
            List<Double> p = scores.get(key(target, "virtual", "pgpool"));
            List<Double> h = scores.get(key(target, "virtual", "hikari"));
            if (p != null && h != null) {
                s.append("| virtual threads (a new one per request, 200 in flight, MaxSize 20), ")
                        .append(target.equals("pg") ? "PostgreSQL select" : "stub driver")
                        .append(", ").append(rounds).append(" interleaved rounds | ").append(range(ratios(p, h), "x"))
                        .append(" |\n");
            }
        }
        return s.toString();
    }

    private static void updateReadme(Path readme, String lines) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no " + README_BEGIN + " ... " + README_END + " markers");
        }
        int afterBegin = text.indexOf('\n', begin) + 1;
        String table = "| row | pgpool/HikariCP, median (range) |\n|---|---:|\n" + lines
                + "\nAll figures: [pgpool-bench/results/virtual-threads.md](pgpool-bench/results/virtual-threads.md).\n";
        Files.writeString(readme, text.substring(0, afterBegin) + table + text.substring(end));
    }
}

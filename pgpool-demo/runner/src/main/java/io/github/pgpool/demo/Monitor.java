package io.github.pgpool.demo;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Samples the pool (JMX) and PostgreSQL ({@code pg_stat_activity}) at a fixed rate while the workload runs, keeps
 * every sample for the chart, and prints the progress line: redrawn in place on a terminal, one line per sample
 * otherwise (a build log, a pipe).
 */
final class Monitor implements AutoCloseable {
    /** How often the figures are read and the line is printed. */
    static final long PERIOD_MS = 500;

    private final PoolProbe probe;
    private final Database database;
    private final Workload workload;
    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-monitor");
        t.setDaemon(true);
        return t;
    });
    private final List<Sample> samples = new ArrayList<>();
    private long startNanos;
    private volatile String phase = "start";
    private String lastPrintedPhase;
    private String failure;
    private int missedReads;
    private String firstMissedRead;

    Monitor(PoolProbe probe, Database database, Workload workload, PrintStream out, boolean terminal) {
        this.probe = probe;
        this.database = database;
        this.workload = workload;
        this.out = out;
        this.terminal = terminal;
    }

    /** Starts the clock (time 0 of the chart) and the sampling. */
    void start() {
        startNanos = System.nanoTime();
        timer.scheduleAtFixedRate(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Names the phase that the next samples belong to. */
    void phase(String label) {
        phase = label;
    }

    private void sample() {
        try {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            PoolProbe.Figures figures = probe.read();
            Database.Backends backends;
            try {
                backends = database.backends();
            } catch (SQLException e) {
                // One sample without PostgreSQL's view; the chart leaves a gap, the summary says so.
                backends = new Database.Backends(-1, 0);
                synchronized (this) {
                    missedReads++;
                    if (firstMissedRead == null) {
                        firstMissedRead = e.getMessage();
                    }
                }
            }
            Sample s = new Sample(seconds, phase, figures, backends.count(), backends.oldestSeconds(), workload.ok(),
                    workload.timeouts(), workload.errors());
            synchronized (this) {
                samples.add(s);
                print(s);
                notifyAll();
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is silently cancelled; keep the reason for the summary instead.
            synchronized (this) {
                if (failure == null) {
                    failure = "sampling failed: " + e;
                }
                notifyAll();
            }
        }
    }

    private void print(Sample s) {
        if (!terminal) {
            out.println(s.line());
            return;
        }
        // On a terminal the line is redrawn in place; a new phase starts a new line, so each phase's last figures
        // stay on screen.
        if (lastPrintedPhase != null && !lastPrintedPhase.equals(s.phase())) {
            out.println();
        }
        lastPrintedPhase = s.phase();
        out.print("\r" + s.line() + "\033[K");
        out.flush();
    }

    /**
     * Waits until a sample satisfies the condition, or the deadline passes.
     *
     * @return the first sample (taken after this call) that satisfied it, or null at the deadline
     */
    synchronized Sample awaitSample(Predicate<Sample> condition, long deadlineNanos) throws InterruptedException {
        int seen = samples.size();
        while (true) {
            for (; seen < samples.size(); seen++) {
                if (condition.test(samples.get(seen))) {
                    return samples.get(seen);
                }
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || failure != null) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Every sample so far. */
    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Samples that could not read pg_stat_activity, and why the first could not; null if none. */
    synchronized String missedReads() {
        return missedReads == 0 ? null : missedReads + " of " + samples.size()
                + " samples could not read pg_stat_activity (first: " + firstMissedRead + ")";
    }

    /** Why sampling failed, or null. */
    synchronized String failure() {
        return failure;
    }

    /** Stops sampling (waiting for a sample in progress) and ends the progress line. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            synchronized (this) {
                out.println();
            }
        }
    }
}

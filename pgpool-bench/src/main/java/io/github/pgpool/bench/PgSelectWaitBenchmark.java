package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * {@link PgSelectBenchmark}'s request (borrow, select by primary key, give back) with the borrow wait of every
 * request recorded: throughput and the wait distribution come from the same run, so a pool cannot buy one with
 * the other unseen (issue 12: fast like the barging pools, fair like a queue).
 *
 * <p>Each thread times {@code getConnection()} with {@code System.nanoTime()} (about 25 ns, the same for every pool)
 * during measurement iterations only, into its own {@link WaitSamples}; at the end of the trial the samples of all
 * threads are merged and one line {@code WAITS pool=... threads=... maxSize=... n=... p50=... p99=... p99.9=...
 * max=...} (microseconds) is printed into JMH's output. Unlike {@link PgBorrowLatencyBenchmark}, the query and the
 * close are inside the timed operation, so the throughput is the real request rate.
 *
 * <p>Thread safety: the pool and the sample list are set up before and read after the threads run (JMH orders
 * trial set-up and tear-down around them); {@link #measuring} is volatile, written between iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PgSelectWaitBenchmark {
    /** The pool under test. */
    @Param({"pgpool", "hikari", "agroal"})
    public String pool;

    /** Its maximum number of connections. */
    @Param({"8"})
    public int maxSize;

    private Pools.Running running;
    private DataSource ds;
    private String label;
    /** Every thread's samples, registered by the threads at their set-up. */
    final List<WaitSamples> samples = new CopyOnWriteArrayList<>();
    /** Whether the current iteration is measured (warm-up waits are left out). */
    volatile boolean measuring;

    /** Starts the pool. */
    @Setup(Level.Trial)
    public void start(BenchmarkParams params) throws SQLException {
        PgDatabase.prepare();
        label = "pool=" + pool + " threads=" + params.getThreads() + " maxSize=" + maxSize;
        running = Pools.start(Pools.Kind.of(pool), PgDatabase.target("pgpool-bench-" + pool), maxSize);
        ds = running.dataSource();
    }

    /** Records only in measurement iterations. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /** Stops the pool and prints the merged wait distribution. */
    @TearDown(Level.Trial)
    public void stop() {
        running.close();
        System.out.println(WaitSamples.summary(label, samples));
    }

    /** One thread's wait samples. */
    @State(Scope.Thread)
    public static class ThreadWaits {
        final WaitSamples waits = new WaitSamples();

        /** Registers this thread's samples with the benchmark. */
        @Setup(Level.Trial)
        public void register(PgSelectWaitBenchmark benchmark) {
            benchmark.samples.add(waits);
        }
    }

    /** One request: borrow (timed), select by primary key, give back. */
    @Benchmark
    public String selectById(ThreadWaits thread) throws SQLException {
        long start = System.nanoTime();
        Connection c = ds.getConnection();
        long waited = System.nanoTime() - start;
        if (measuring) {
            thread.waits.add(waited);
        }
        try (c) {
            return PgSelectBenchmark.select(c);
        }
    }
}

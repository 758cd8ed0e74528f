package io.github.pgpool.bench;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.bench.stub.StubConnection;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.core.PgPoolBuilder;
import io.github.pgpool.core.PgPoolDataSource;
import io.github.pgpool.core.PoolClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A diagnostic, not part of the suite: how much of pgpool's connection cycle is spent reading the clock.
 * {@code System.nanoTime()} costs about 60 ns on this kvm-clock VM and pgpool reads it three times per cycle (twice
 * in {@code borrow}, once in {@code release}, two of them under the pool's lock). {@code clock=coarse} gives the
 * pool, through its public {@link PgPoolBuilder#clock} hook, a clock that a background thread advances every
 * millisecond, so a read is a volatile load. The difference between the two scores is the price of the clock reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PgPoolClockBenchmark {
    /** {@code system}: the real clock; {@code coarse}: a millisecond-resolution clock read from a field. */
    @Param({"system", "coarse"})
    public String clock;

    /** Maximum pool size. */
    @Param({"8"})
    public int maxSize;

    private PgPoolDataSource ds;
    private CoarseClock coarse;

    /** Starts pgpool over the stub driver with the chosen clock. */
    @Setup(Level.Trial)
    public void start() {
        PgPoolBuilder b = PgPool.builder(PoolSettings.builder().databaseName("stub").maxSize(maxSize)
                .maxWait(Pools.TIMEOUT).poolName("clock-bench").build()).connectionFactory(c -> new StubConnection());
        if (clock.equals("coarse")) {
            coarse = new CoarseClock();
            b.clock(coarse);
        }
        ds = new PgPoolDataSource(b.build());
    }

    /** Stops the pool and the coarse clock's thread. */
    @TearDown(Level.Trial)
    public void stop() {
        ds.close();
        if (coarse != null) {
            coarse.ticker.interrupt();
        }
    }

    /** Borrow and give back, as {@link StubPoolBenchmark#connectionCycle}. */
    @Benchmark
    public void connectionCycle(Blackhole bh) throws SQLException {
        try (Connection c = ds.getConnection()) {
            bh.consume(c);
        }
    }

    /** A clock advanced every millisecond by a daemon thread; reading it is one volatile load. */
    static final class CoarseClock implements PoolClock {
        private volatile long now = System.nanoTime();
        final Thread ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                now = System.nanoTime();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "coarse-clock");

        CoarseClock() {
            ticker.setDaemon(true);
            ticker.start();
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void parkUntil(Object blocker, long deadlineNanos) {
            PoolClock.SYSTEM.parkUntil(blocker, deadlineNanos);
        }
    }
}

package io.github.pgpool.core;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.bench.PgDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the hand-out check of an idle connection costs, on real PostgreSQL connections: the check alone, and a whole
 * borrow and give-back through the pool's locked path. In the engine's package because the check is package-private.
 *
 * <p>{@code check} picks the socket under pgjdbc: {@code endOfStream} is pgpool's default (a channel, whose one-byte
 * read without waiting also sees a bare hang-up), {@code available} the socket before it ({@code available()} only;
 * made by setting a SOCKS proxy that 127.0.0.1 bypasses, which is when the engine keeps a plain socket), and
 * {@code none} a pgjdbc connection without pgpool's socket (no check at all), the baseline.
 *
 * <p>{@code borrowIdle} moves the pool's clock on by 10 ms before each borrow, so that the connection has been idle
 * longer than the hot lane's 5 ms (the borrower goes through the lock, and the full check runs) and shorter than
 * ValidateIdle (no round trip), without really waiting. One thread; Expires and Cleanup are off so the clock's jumps
 * close nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class HandOutCheckBenchmark {
    private static final long STEP_NANOS = 10_000_000L;

    /** Which socket stands under pgjdbc (see the class comment). */
    @Param({"none", "available", "endOfStream"})
    public String check;

    private final SteppingClock clock = new SteppingClock();
    private PgPool pool;
    /** A connection held by the benchmark, whose socket is idle: the subject of the check-only rows. */
    private PooledConnection held;

    /** Opens the pool and one connection to hold. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        if (check.equals("available")) {
            // pgjdbc connects straight to 127.0.0.1 anyway (socksNonProxyHosts), but the engine keeps a plain socket.
            System.setProperty("socksProxyHost", "socks.invalid");
        }
        PoolSettings settings = PoolSettings.builder().serverName(PgDatabase.host()).portNumber(PgDatabase.port())
                .databaseName(PgDatabase.DATABASE).user(PgDatabase.user()).poolName("hand-out-check-" + check)
                .expires(Duration.ZERO).cleanup(Duration.ZERO).build();
        PgDatabase.prepare();
        PgPoolBuilder builder = PgPool.builder(settings).clock(clock).jmx(false);
        if (check.equals("none")) {
            builder.connectionFactory(credentials -> plainConnection());
        }
        pool = builder.build();
        held = pool.borrow();
        pool.borrow().release(); // the connection borrowIdle lends, idle from now on
    }

    private static Connection plainConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", PgDatabase.user());
        p.setProperty("ApplicationName", "pgpool-bench-hand-out-check");
        return DriverManager.getConnection("jdbc:postgresql://" + PgDatabase.host() + ":" + PgDatabase.port() + "/"
                + PgDatabase.DATABASE, p);
    }

    /** Fails the run if a connection was reopened or found broken: the rows would not measure what they say. */
    @TearDown(Level.Trial)
    public void stop() {
        try {
            var s = pool.statistics();
            if (s.total() != 2 || s.closedBroken() != 0) {
                throw new IllegalStateException("the benchmark's two connections did not stay: " + s);
            }
            held.release();
        } finally {
            pool.close();
        }
    }

    /** The check that covers unread input only: {@code available()}. */
    @Benchmark
    public boolean checkUnreadInput() {
        return held.hasUnreadInput();
    }

    /** The check the pool makes before lending a connection idle 5 ms or more: also sees end-of-stream. */
    @Benchmark
    public boolean checkUnreadInputOrEnded() {
        return held.hasUnreadInputOrEnded();
    }

    /** Borrows the idle connection (idle 10 ms by the pool's clock, so through the lock) and gives it back. */
    @Benchmark
    public void borrowIdle() throws SQLException {
        clock.advance(STEP_NANOS);
        pool.borrow().release();
    }

    /** The real clock plus an offset that only grows: time jumps without anybody waiting. Written by one thread. */
    static final class SteppingClock implements PoolClock {
        private volatile long offset;

        void advance(long nanos) {
            offset += nanos; // one writer: the benchmark thread
        }

        @Override
        public long nanoTime() {
            return System.nanoTime() + offset;
        }

        @Override
        public void parkUntil(Object blocker, long deadlineNanos) {
            long remaining = deadlineNanos - nanoTime();
            if (remaining > 0) {
                LockSupport.parkNanos(blocker, remaining);
            }
        }
    }
}

package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.SQLException;
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

/**
 * How long {@code getConnection()} takes under the {@link PgSelectBenchmark} load, as a distribution (JMH
 * {@link Mode#SampleTime}: p50, p99...). Only the borrow is timed: the query and the close run in a per-invocation
 * tear-down, which JMH leaves out of the measurement, so each thread still holds its connection for a real query
 * and, at 32 threads with MaxSize 8, the time measured is mostly queueing for a free connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PgBorrowLatencyBenchmark {
    /** The pool under test. */
    @Param({"pgpool", "hikari", "agroal", "dbcp2"})
    public String pool;

    /** Its maximum number of connections. */
    @Param({"8"})
    public int maxSize;

    private Pools.Running running;
    DataSource ds;

    /** Starts the pool. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        running = Pools.start(Pools.Kind.of(pool), PgDatabase.target("pgpool-bench-" + pool), maxSize);
        ds = running.dataSource();
    }

    /** Stops the pool. */
    @TearDown(Level.Trial)
    public void stop() {
        running.close();
    }

    /** The connection a thread borrowed in the timed part, used and closed after it. */
    @State(Scope.Thread)
    public static class Borrowed {
        Connection connection;

        /** Runs the request on the borrowed connection and gives it back, outside the timing. */
        @TearDown(Level.Invocation)
        public void useAndClose() throws SQLException {
            try (Connection c = connection) {
                PgSelectBenchmark.select(c);
            } finally {
                connection = null;
            }
        }
    }

    /** The timed part: borrowing only. */
    @Benchmark
    public Connection borrow(Borrowed borrowed) throws SQLException {
        borrowed.connection = ds.getConnection();
        return borrowed.connection;
    }
}

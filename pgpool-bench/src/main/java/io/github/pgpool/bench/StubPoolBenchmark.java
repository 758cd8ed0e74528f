package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Pool overhead alone: every pool serves connections of the stub driver, which do no I/O, so an operation costs only
 * what the pool adds. The thread count is a JMH option ({@code -t}); {@link RunAll} runs 1, 8 and 32 threads.
 *
 * <ul>
 *   <li>{@link #connectionCycle}: {@code getConnection()} then {@code close()}.</li>
 *   <li>{@link #statementCycle}: borrow, prepare, bind, execute, read one row, close all: the pool's statement and
 *       result set wrappers are on the path too.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StubPoolBenchmark {
    static final String SQL = "SELECT id, name FROM bench_items WHERE id = ?";

    /** The pool under test. */
    @Param({"pgpool", "hikari", "agroal", "dbcp2"})
    public String pool;

    /** Its maximum number of connections. */
    @Param({"8", "32"})
    public int maxSize;

    private Pools.Running running;
    private DataSource ds;

    /** Starts the pool over the stub driver. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        running = Pools.start(Pools.Kind.of(pool), Pools.Target.stub(), maxSize);
        ds = running.dataSource();
    }

    /** Stops the pool. */
    @TearDown(Level.Trial)
    public void stop() {
        running.close();
    }

    /** Borrow and give back. */
    @Benchmark
    public void connectionCycle(Blackhole bh) throws SQLException {
        try (Connection c = ds.getConnection()) {
            bh.consume(c);
        }
    }

    /** Borrow, run one prepared query, read its row, close everything. */
    @Benchmark
    public int statementCycle() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }
}

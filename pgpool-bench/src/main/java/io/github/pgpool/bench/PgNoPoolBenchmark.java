package io.github.pgpool.bench;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The physical limit for {@link PgSelectBenchmark}: each thread owns one pgjdbc connection for the whole run and
 * runs the same query on it, with no pool in between. At 32 threads this uses 32 backends where the pools use 8.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PgNoPoolBenchmark {
    private Connection connection;

    /** Opens this thread's connection. */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        connection = PgDatabase.connect(PgDatabase.DATABASE, "pgpool-bench-nopool");
    }

    /** Closes it. */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
        connection.close();
    }

    /** The same request as {@link PgSelectBenchmark#selectById()}, minus the pool. */
    @Benchmark
    public String selectById() throws SQLException {
        return PgSelectBenchmark.select(connection);
    }
}

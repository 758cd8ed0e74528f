package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
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
 * A request against real PostgreSQL: borrow, {@code SELECT ... WHERE id = ?} on a random id, read the row, give back.
 * With 8 or 32 threads ({@code -t}) and MaxSize 8 this is the pool's everyday work: at 32 threads borrowers queue.
 * {@link PgNoPoolBenchmark} is the same request on a dedicated connection per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PgSelectBenchmark {
    /** The pool under test. */
    @Param({"pgpool", "hikari", "agroal", "dbcp2"})
    public String pool;

    /** Its maximum number of connections. */
    @Param({"8"})
    public int maxSize;

    private Pools.Running running;
    private DataSource ds;

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

    /** One request: borrow, select by primary key, give back. */
    @Benchmark
    public String selectById() throws SQLException {
        try (Connection c = ds.getConnection()) {
            return select(c);
        }
    }

    static String select(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PgDatabase.SELECT_BY_ID)) {
            ps.setInt(1, ThreadLocalRandom.current().nextInt(1, PgDatabase.ROWS + 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(2) : null;
            }
        }
    }
}

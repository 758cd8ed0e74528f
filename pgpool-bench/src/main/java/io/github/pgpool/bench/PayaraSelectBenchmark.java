package io.github.pgpool.bench;

import java.io.IOException;
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

/**
 * The select-by-id request of {@link PgSelectBenchmark}, inside embedded Payara: each benchmark thread sends
 * {@code GET /bench/select?pool=...&n=batch} over its own keep-alive HTTP connection to the server that
 * {@link PayaraProcess} started, and the servlet runs {@code batch} times: borrow from the container-managed data
 * source, select by primary key, read, close. {@code pool=pgpool} goes through pgpool.rar (connector pool, Payara's
 * pooling on with max-pool-size 64, XATransaction, MaxSize 8), {@code pool=payara} through Payara's own JDBC pool
 * (max-pool-size 8). {@code pool=pgpool-unpooled} is a diagnostic: pgpool.rar with Payara's pooling off.
 * The score is HTTP requests per ms; {@link Report} multiplies it by {@code batch} to give selects per ms.
 *
 * <p>Not runnable on its own: the server must be up ({@link RunAll} part {@code payara}, or
 * {@code PayaraProcess} by hand with {@code -Dbench.payara.httpPort}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms128m", "-Xmx128m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PayaraSelectBenchmark {
    /** The data source the servlet uses: pgpool.rar or Payara's JDBC pool. */
    @Param({"pgpool", "payara", "pgpool-unpooled"})
    public String pool;

    /** Selects per HTTP request (each one a full borrow, select, close in the servlet). */
    @Param({"1"})
    public int batch;

    private String path;

    /** Each thread's HTTP connection. */
    @State(Scope.Thread)
    public static class Client {
        HttpGet http;

        /** Opens the connection lazily (first request). */
        @Setup(Level.Trial)
        public void open() {
            http = new HttpGet("127.0.0.1", PayaraProcess.HTTP_PORT);
        }

        /** Closes it. */
        @TearDown(Level.Trial)
        public void close() {
            http.close();
        }
    }

    /** The request of this trial. */
    @Setup(Level.Trial)
    public void setup() {
        path = PayaraProcess.path(pool, batch);
    }

    /** One HTTP request of {@code batch} selects; any answer but 200 fails the run. */
    @Benchmark
    public int select(Client client) throws IOException {
        int status = client.http.get(path);
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status + " from " + path + ": " + client.http.lastBody());
        }
        return status;
    }
}

package io.github.pgpool.bench;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests on virtual threads, as a server that runs each request on a new one does: every request is a new virtual
 * thread that borrows, runs the select by primary key, and gives back, with {@link #concurrency} of them at a time on
 * a pool of MaxSize 20 (so most of them wait). {@code threads=platform} runs the same requests on a fixed pool of as
 * many platform threads, the way servers did before. {@code target} is the real PostgreSQL or the stub driver.
 *
 * <p>The JMH thread only starts requests (a semaphore keeps {@link #concurrency} in flight) and waits for the batch,
 * so a score is requests per millisecond. Virtual threads come by reflection: the bytecode is release 17.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VirtualThreadBenchmark {
    /** Requests per benchmark invocation. */
    static final int BATCH = 1_000;
    /** The pool's MaxSize in every configuration. */
    static final int MAX_SIZE = 20;

    /** The pool under test. */
    @Param({"pgpool", "hikari"})
    public String pool;

    /** {@code pg} (real PostgreSQL) or {@code stub} (no I/O: pool overhead and waiting only). */
    @Param({"pg", "stub"})
    public String target;

    /** {@code virtual} (a new virtual thread per request) or {@code platform} (a fixed pool of platform threads). */
    @Param({"virtual", "platform"})
    public String threads;

    /** Requests in flight at once. */
    @Param({"200"})
    public int concurrency;

    private Pools.Running running;
    private DataSource ds;
    private ExecutorService executor;

    /** Starts the pool and the executor. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
        Pools.Target t = target.equals("stub") ? Pools.Target.stub() : PgDatabase.target("pgpool-bench-vt-" + pool);
        running = Pools.start(Pools.Kind.of(pool), t, MAX_SIZE);
        ds = running.dataSource();
        executor = threads.equals("virtual") ? newVirtualThreadPerTaskExecutor()
                : Executors.newFixedThreadPool(concurrency);
    }

    /** Stops both. */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        running.close();
    }

    /** A batch of requests, at most {@link #concurrency} at a time. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void requests() throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(BATCH);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < BATCH; i++) {
            inFlight.acquire();
            executor.execute(() -> {
                try (Connection c = ds.getConnection()) {
                    PgSelectBenchmark.select(c);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    inFlight.release();
                    done.countDown();
                }
            });
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed", failure.get());
        }
    }

    /** @return whether this JVM has virtual threads (JDK 21 or newer) */
    static boolean available() {
        return executorFactory() != null;
    }

    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        Method m = executorFactory();
        if (m == null) {
            throw new IllegalStateException("virtual threads need JDK 21 or newer; this is " + Runtime.version());
        }
        try {
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread executor", e);
        }
    }

    private static Method executorFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
